// int8 Logistic (output scale 1/256, zero point -128) and Tanh (output scale 1/128, zero point 0), as
// TFLite Micro's reference kernels: inputs inside a radius are rescaled to Q4.27 and evaluated with
// gemmlowp's fixed-point logistic/tanh; inputs beyond it saturate.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_reference {

// Integer bits of the rescaled input (Q4.27).
inline constexpr int kActivationInputIntegerBits = 4;

// Shared by Logistic and Tanh: TFLite derives both from the input scale only.
struct FixedActivationParams {
  int32_t input_zero_point = 0;
  int32_t input_range_radius = 0;        // |q - z| at or beyond this saturates
  QuantizedMultiplier input_multiplier;  // s_in * 2^27 as frexp gives it (shift may be > 0)
  int64_t count = 0;
};

// InputError unless the output is scale 1/256 with zero point -128, or when the input scale is
// below 2^-28 (TFLite's radius computation needs a non-negative shift).
FixedActivationParams prepare_logistic(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count);
// InputError unless the output is scale 1/128 with zero point 0; same input limit.
FixedActivationParams prepare_tanh(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count);

// Accumulator bounds: |q - z| < radius keeps the rescaled input inside Q4.27 (below 16 in magnitude).
void logistic_int8(const FixedActivationParams& p, std::span<const int8_t> input, std::span<int8_t> output);
void tanh_int8(const FixedActivationParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
