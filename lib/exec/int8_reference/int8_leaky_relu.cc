// int8 LeakyRelu, TFLM's reference arithmetic.
#include "exec/int8_reference/int8_leaky_relu.h"

#include <algorithm>

#include "ir/error.h"

namespace tinyc::exec::int8_reference {

LeakyReluParams prepare_leaky_relu(const ir::QuantParams& input, const ir::QuantParams& output, float alpha,
                                   int64_t count) {
  if (!(alpha >= 0.0f))
    throw InputError("int8 LeakyRelu needs alpha >= 0 (TFLite Micro's kernel takes a non-negative multiplier), got " +
                     std::to_string(alpha));
  const AffineParams in = per_tensor(input, "input");
  const AffineParams out = per_tensor(output, "output");
  LeakyReluParams p;
  p.input_zero_point = in.zero_point;
  p.output_zero_point = out.zero_point;
  // TFLM divides and multiplies the float scales in float, then widens the result to double.
  p.identity = effective_multiplier(static_cast<double>(in.scale / out.scale), "LeakyRelu");
  p.alpha = effective_multiplier(static_cast<double>(in.scale * alpha / out.scale), "LeakyRelu");
  p.count = count;
  return p;
}

void leaky_relu_int8(const LeakyReluParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  for (size_t i = 0; i < input.size(); ++i) {
    const int32_t x = input[i] - p.input_zero_point;
    const int32_t scaled = multiply_by_quantized_multiplier(x, x >= 0 ? p.identity : p.alpha);
    output[i] = static_cast<int8_t>(std::clamp(p.output_zero_point + scaled, kInt8Min, kInt8Max));
  }
}

}  // namespace tinyc::exec::int8_reference
