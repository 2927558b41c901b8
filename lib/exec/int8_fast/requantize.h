// A row of int32 sums to int8 outputs with one multiplier, in TFLite's arithmetic: the last step of
// the fast kernels that keep their sums in memory (the depthwise convolution).
#pragma once

#include <cstdint>

#include "exec/isa.h"
#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_fast {

// One output channel's requantization.
struct RowRequantization {
  int32_t bias = 0;
  int8_reference::QuantizedMultiplier multiplier;  // multiplier >= 0
  int32_t zero_point = 0;
  int8_reference::ActivationRange activation;
};

// out[i] = clamp(multiply_by_quantized_multiplier(sums[i] + bias, multiplier) + zero_point) for
// i < count, the sum wrapping in 32 bits.
void requantize_row(Isa isa, const int32_t* sums, int64_t count, const RowRequantization& r, int8_t* out);

namespace detail {
// requantize_row on AVX2.
void requantize_row_avx2(const int32_t* sums, int64_t count, const RowRequantization& r, int8_t* out);
}  // namespace detail

}  // namespace tinyc::exec::int8_fast
