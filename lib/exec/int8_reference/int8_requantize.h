// int8 -> int8 requantization (TFLite's QUANTIZE op between two int8 tensors): the helper Concat
// uses for inputs whose parameters differ from the output's.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_reference {

// q_out = clamp(multiply_by_quantized_multiplier(q_in - z_in, s_in / s_out) + z_out).
struct RequantizeParams {
  QuantizedMultiplier multiplier;
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int64_t count = 0;
};

RequantizeParams prepare_requantize(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count);

inline int8_t requantize_value(int8_t q, const RequantizeParams& p) {
  const int32_t scaled = multiply_by_quantized_multiplier(static_cast<int32_t>(q) - p.input_zero_point, p.multiplier);
  return clamp_to(scaled + p.output_zero_point, ActivationRange{});
}

// Accumulator bounds: |q - z_in| <= 255, so the multiply never wraps for multipliers below 2^23.
void requantize_int8(const RequantizeParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
