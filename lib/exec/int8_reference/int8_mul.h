// int8 Mul with numpy broadcasting (up to 4 dims when the shapes differ), as TFLite Micro's
// MulElementwise / BroadcastMul4DSlow: one multiplier s1 * s2 / s_out on the product of the offsets.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/int8_broadcast.h"
#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_reference {

// Everything mul_int8 needs, computed once by prepare_mul.
struct MulParams {
  BroadcastPlan broadcast;
  int32_t input1_zero_point = 0;
  int32_t input2_zero_point = 0;
  int32_t output_zero_point = 0;
  QuantizedMultiplier multiplier;  // double(s1) * double(s2) / double(s_out)
  ActivationRange activation;
};

MulParams prepare_mul(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b, const ir::QuantParams& b_q,
                      const ir::QuantParams& output_q, ActivationBounds activation);

// One output element. Accumulator bounds: (q1 - z1) * (q2 - z2) is at most 255 * 255 in magnitude.
inline int8_t mul_one(const MulParams& p, int8_t a, int8_t b) {
  const int32_t product = (static_cast<int32_t>(a) - p.input1_zero_point) * (static_cast<int32_t>(b) - p.input2_zero_point);
  return clamp_to(multiply_by_quantized_multiplier(product, p.multiplier) + p.output_zero_point, p.activation);
}

void mul_int8(const MulParams& p, std::span<const int8_t> a, std::span<const int8_t> b, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
