// Quantize and Dequantize (see int8_quantize.h).
#include "exec/int8_reference/int8_quantize.h"

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_reference {

AffineKernelParams prepare_affine(const ir::QuantParams& int8_side, int64_t count, const char* op) {
  return {per_tensor(int8_side, std::string(op) + " int8 tensor"), count};
}

void quantize_int8(const AffineKernelParams& p, std::span<const float> input, std::span<int8_t> output) {
  require_count(input.size(), p.count, "Quantize", "input");
  require_count(output.size(), p.count, "Quantize", "output");
  for (size_t i = 0; i < input.size(); ++i) output[i] = quantize_value(input[i], p.params);
}

void dequantize_int8(const AffineKernelParams& p, std::span<const int8_t> input, std::span<float> output) {
  require_count(input.size(), p.count, "Dequantize", "input");
  require_count(output.size(), p.count, "Dequantize", "output");
  for (size_t i = 0; i < input.size(); ++i) output[i] = dequantize_value(input[i], p.params);
}

}  // namespace tinyc::exec::int8_reference
