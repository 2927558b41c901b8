// int8 PRelu, TFLM's reference arithmetic.
#include "exec/int8_reference/int8_prelu.h"

#include <algorithm>

namespace tinyc::exec::int8_reference {

PreluParams prepare_prelu(const ir::Shape& input, const ir::QuantParams& input_q, const ir::Shape& slope,
                          const ir::QuantParams& slope_q, const ir::QuantParams& output_q) {
  const AffineParams in = per_tensor(input_q, "input");
  const AffineParams a = per_tensor(slope_q, "slope");
  const AffineParams out = per_tensor(output_q, "output");
  PreluParams p;
  p.broadcast = plan_broadcast(input, slope, 4, "PRelu");
  p.input_zero_point = in.zero_point;
  p.slope_zero_point = a.zero_point;
  p.output_zero_point = out.zero_point;
  p.identity = effective_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale), "PRelu");
  p.slope = effective_multiplier(
      static_cast<double>(in.scale) * static_cast<double>(a.scale) / static_cast<double>(out.scale), "PRelu");
  return p;
}

void prelu_int8(const PreluParams& p, std::span<const int8_t> input, std::span<const int8_t> slope,
                std::span<int8_t> output) {
  for_each_broadcast(p.broadcast, [&](int64_t o, int64_t i, int64_t s) {
    const int32_t x = input[static_cast<size_t>(i)] - p.input_zero_point;
    const int32_t scaled =
        x >= 0 ? multiply_by_quantized_multiplier(x, p.identity)
               : multiply_by_quantized_multiplier(x * (slope[static_cast<size_t>(s)] - p.slope_zero_point), p.slope);
    output[static_cast<size_t>(o)] = static_cast<int8_t>(std::clamp(p.output_zero_point + scaled, kInt8Min, kInt8Max));
  });
}

}  // namespace tinyc::exec::int8_reference
