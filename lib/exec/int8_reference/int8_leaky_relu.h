// int8 LeakyRelu as TensorFlow Lite Micro's LEAKY_RELU computes it: x - z_in rescaled to the output
// by s_in / s_out when it is at least 0 and by s_in * alpha / s_out below, each a fixed-point
// multiplier, plus z_out, clamped to int8.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_reference {

struct LeakyReluParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  QuantizedMultiplier identity;  // s_in / s_out
  QuantizedMultiplier alpha;     // s_in * alpha / s_out
  int64_t count = 0;
};

// The multipliers as TFLM's prepare computes them: each ratio in float, then widened to double.
// InputError for alpha < 0 (TFLM at the pinned version multiplies by a non-negative multiplier
// only) or an effective scale out of the 32-bit multiplier's range.
LeakyReluParams prepare_leaky_relu(const ir::QuantParams& input, const ir::QuantParams& output, float alpha,
                                   int64_t count);

void leaky_relu_int8(const LeakyReluParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
