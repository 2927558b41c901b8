// Quantize (float -> int8) and Dequantize (int8 -> float) with TFLite's rounding, per tensor.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_reference {

// The int8 side's parameters and the element count.
struct AffineKernelParams {
  AffineParams params;
  int64_t count = 0;
};

AffineKernelParams prepare_affine(const ir::QuantParams& int8_side, int64_t count, const char* op);

// q = clamp(round(x / scale) + zero_point), the division in float, ties away from zero.
void quantize_int8(const AffineKernelParams& p, std::span<const float> input, std::span<int8_t> output);
// x = scale * (q - zero_point) in float.
void dequantize_int8(const AffineKernelParams& p, std::span<const int8_t> input, std::span<float> output);

}  // namespace tinyc::exec::int8_reference
