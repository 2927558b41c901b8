// int8 RSQRT, TFLM's reference arithmetic.
#include "exec/int8_reference/int8_rsqrt.h"

#include <algorithm>
#include <cmath>

#include "ir/error.h"

namespace tinyc::exec::int8_reference {

namespace {

constexpr int kHeadroomBits = 20;  // TFLM keeps 1 / sqrt(x) as an integer scaled by 2^20

}  // namespace

bool is_inverse_sqrt_exponent(const ir::Value* exponent) {
  if (!exponent || !exponent->is_constant()) return false;
  const ir::Tensor& t = exponent->constant();
  return t.dtype() == ir::DType::Float32 && t.num_elements() == 1 && t.values<float>()[0] == -0.5f;
}

RsqrtParams prepare_rsqrt(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count) {
  const AffineParams in = per_tensor(input, "input");
  const AffineParams out = per_tensor(output, "output");
  if (in.zero_point != kInt8Min)
    throw InputError("int8 RSQRT needs an input that is never negative (zero point -128), got zero point " +
                     std::to_string(in.zero_point) + "; TFLite Micro stops on a value below the zero point");
  RsqrtParams p;
  p.input_zero_point = in.zero_point;
  p.output_zero_point = out.zero_point;
  p.rescale = quantize_multiplier(1.0 / static_cast<double>(std::sqrt(in.scale) * out.scale));
  p.count = count;
  return p;
}

void rsqrt_int8(const RsqrtParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  for (size_t i = 0; i < input.size(); ++i) {
    const int32_t x = input[i] - p.input_zero_point;
    if (x == 0) {
      output[i] = static_cast<int8_t>(kInt8Max);
      continue;
    }
    const QuantizedMultiplier inv_sqrt = inverse_sqrt_multiplier(x);
    const int32_t scaled = multiply_by_quantized_multiplier(1, inv_sqrt.multiplier, inv_sqrt.shift + kHeadroomBits);
    const int32_t y = multiply_by_quantized_multiplier(scaled, p.rescale.multiplier, p.rescale.shift - kHeadroomBits) +
                      p.output_zero_point;
    output[i] = static_cast<int8_t>(std::clamp(y, kInt8Min, kInt8Max));
  }
}

}  // namespace tinyc::exec::int8_reference
