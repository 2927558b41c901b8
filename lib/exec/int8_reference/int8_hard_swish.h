// int8 HardSwish, x * relu6(x + 3) / 6, as TensorFlow Lite Micro's HARD_SWISH computes it: in int16
// fixed point, the input on a "high-resolution" scale s_in / 128, the relu6(x + 3) / 6 factor on the
// scale 3 / 32768 ("reluish", in [0, 1] after an offset), their product rescaled to the output.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_reference {

struct HardSwishParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int16_t output_multiplier = 0;   // (s_in / 128) / s_out as a Q15 multiplier
  int output_exponent = 0;         // <= 0
  int16_t reluish_multiplier = 0;  // (s_in / 128) / (3 / 32768) as a Q15 multiplier
  int reluish_exponent = 0;
  int64_t count = 0;
};

// As TFLM's prepare: the ratios in float, quantized to 32-bit multipliers, rounded to 16 bits.
// InputError when the output multiplier's exponent is positive (s_in / 128 >= s_out), which TFLM
// refuses.
HardSwishParams prepare_hard_swish(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count);

void hard_swish_int8(const HardSwishParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
