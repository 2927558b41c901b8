// int8 1 / sqrt(x) as TensorFlow Lite Micro's RSQRT computes it: x - z_in through TFLite's fixed-point
// inverse square root (GetInvSqrtQuantizedMultiplierExp) scaled by 2^20, then rescaled by
// 1 / (sqrt(s_in) * s_out), plus z_out, clamped to int8; x - z_in = 0 gives 127.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/quant_math.h"
#include "ir/value.h"

namespace tinyc::exec::int8_reference {

// True for Pow's exponent when it is the one that runs as RSQRT: a constant float32 -0.5 (one element).
bool is_inverse_sqrt_exponent(const ir::Value* exponent);

struct RsqrtParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  QuantizedMultiplier rescale;  // 1 / (sqrt(s_in) * s_out)
  int64_t count = 0;
};

// The rescale as TFLM's prepare computes it (sqrt and product in float, the reciprocal in double).
// InputError unless the input's zero point is -128: TFLM stops on an input below its zero point, so
// the input must cover only values >= 0 (a variance, say).
RsqrtParams prepare_rsqrt(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count);

void rsqrt_int8(const RsqrtParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
