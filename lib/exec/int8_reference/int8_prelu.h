// int8 PRelu with numpy broadcasting of the slope (up to 4 dims), as TensorFlow Lite Micro's PRELU
// (BroadcastPrelu4DSlow): x - z_in rescaled by s_in / s_out at or above the zero point, else
// (x - z_in) * (a - z_a) rescaled by s_in * s_a / s_out, plus z_out, clamped to int8.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/int8_broadcast.h"
#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_reference {

struct PreluParams {
  BroadcastPlan broadcast;  // a = the input, b = the slope
  int32_t input_zero_point = 0;
  int32_t slope_zero_point = 0;
  int32_t output_zero_point = 0;
  QuantizedMultiplier identity;  // double(s_in) / double(s_out)
  QuantizedMultiplier slope;     // double(s_in) * double(s_a) / double(s_out)
};

PreluParams prepare_prelu(const ir::Shape& input, const ir::QuantParams& input_q, const ir::Shape& slope,
                          const ir::QuantParams& slope_q, const ir::QuantParams& output_q);

// Accumulator bounds: (q - z_in) * (a - z_a) is at most 255 * 255 in magnitude.
void prelu_int8(const PreluParams& p, std::span<const int8_t> input, std::span<const int8_t> slope,
                std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
