// int8 Add and Sub with numpy broadcasting (up to 6 dims), as TFLite Micro's ADD and SUB: both inputs
// are moved to a common scale with 20 bits of headroom, added or subtracted, then rescaled to the
// output. SUB computes its rescale factors in float where ADD uses double.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/int8_broadcast.h"
#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_reference {

// TFLite's int8 Add headroom: inputs are shifted left by this many bits before rescaling.
inline constexpr int kAddLeftShift = 20;

// Everything add_int8 needs, computed once by prepare_add.
struct AddParams {
  BroadcastPlan broadcast;
  int32_t input1_zero_point = 0;
  int32_t input2_zero_point = 0;
  int32_t output_zero_point = 0;
  QuantizedMultiplier input1_multiplier;  // s1 / (2 max(s1, s2))
  QuantizedMultiplier input2_multiplier;  // s2 / (2 max(s1, s2))
  QuantizedMultiplier output_multiplier;  // 2 max(s1, s2) / (2^20 s_out)
  ActivationRange activation;
  bool subtract = false;  // Sub: the rescaled input 2 is subtracted
};

// InputError when the shapes do not broadcast or a rescale factor falls outside (0, 1) (TFLite
// aborts there: the output scale is below max(s1, s2) / 2^19).
AddParams prepare_add(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b, const ir::QuantParams& b_q,
                      const ir::QuantParams& output_q, ActivationBounds activation);
AddParams prepare_sub(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b, const ir::QuantParams& b_q,
                      const ir::QuantParams& output_q, ActivationBounds activation);

// One output element. Accumulator bounds: |q - z| <= 255 shifted by 20 bits stays below 2^28;
// each rescaled input is at most half of that, so the int32 sum never wraps.
inline int8_t add_one(const AddParams& p, int8_t a, int8_t b) {
  const int32_t x1 = (static_cast<int32_t>(a) - p.input1_zero_point) * (1 << kAddLeftShift);
  const int32_t x2 = (static_cast<int32_t>(b) - p.input2_zero_point) * (1 << kAddLeftShift);
  const int32_t scaled2 = multiply_by_quantized_multiplier(x2, p.input2_multiplier);
  const int32_t sum = multiply_by_quantized_multiplier(x1, p.input1_multiplier) + (p.subtract ? -scaled2 : scaled2);
  return clamp_to(multiply_by_quantized_multiplier(sum, p.output_multiplier) + p.output_zero_point, p.activation);
}

void add_int8(const AddParams& p, std::span<const int8_t> a, std::span<const int8_t> b, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
