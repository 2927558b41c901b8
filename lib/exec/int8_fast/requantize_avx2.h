// TFLite's requantization on eight int32 lanes at once, for the AVX2 kernels: the same double
// rounding as int8_reference::multiply_by_quantized_multiplier, lane for lane. Include only from
// files that call it from functions compiled for AVX2.
#pragma once

#include "exec/isa.h"

#if TINYC_X86_KERNELS

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "exec/int8_fast/requantize.h"
#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_fast::avx2 {

// One multiplier's constants, broadcast once per row of outputs.
struct VectorMultiplier {
  __m256i multiplier, round_mask, half_mask;
  __m128i left, right;
};

TINYC_AVX2 inline VectorMultiplier broadcast_multiplier(int8_reference::QuantizedMultiplier m) {
  const int left = m.shift > 0 ? m.shift : 0, right = m.shift > 0 ? 0 : -m.shift;
  const auto mask = static_cast<int32_t>((int64_t{1} << right) - 1);
  return {_mm256_set1_epi32(m.multiplier), _mm256_set1_epi32(mask), _mm256_set1_epi32(mask >> 1),
          _mm_cvtsi32_si128(left), _mm_cvtsi32_si128(right)};
}

// multiply_by_quantized_multiplier on each lane, for a multiplier >= 0 (so the doubling high
// multiply's one saturating case, both operands -2^31, cannot occur). The rounding doubling high
// multiply is floor((a * b + 2^30) / 2^31): the reference's nudge and truncation toward zero agree
// with that floor for either sign of a * b. Its result fits 32 bits, so the low half of a logical
// 64-bit shift equals the arithmetic one AVX2 lacks.
TINYC_AVX2 inline __m256i multiply_by_quantized_multiplier(__m256i x, const VectorMultiplier& m) {
  const __m256i a = _mm256_sll_epi32(x, m.left);  // wraps in 32 bits like the reference
  const __m256i nudge = _mm256_set1_epi64x(int64_t{1} << 30);
  const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(a, m.multiplier), nudge), 31);
  const __m256i odd =
      _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), m.multiplier), nudge), 31);
  const __m256i high = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  // rounding_divide_by_pot: the remainder against half the divisor, plus one for negative values.
  const __m256i remainder = _mm256_and_si256(high, m.round_mask);
  const __m256i threshold = _mm256_sub_epi32(m.half_mask, _mm256_srai_epi32(high, 31));
  return _mm256_sub_epi32(_mm256_sra_epi32(high, m.right), _mm256_cmpgt_epi32(remainder, threshold));
}

// Adds the zero point, clamps to the activation range (raise to min, then lower to max, as TFLite)
// and narrows 16 lanes (two vectors) to 16 int8 values in order.
TINYC_AVX2 inline __m128i to_int8(__m256i lo, __m256i hi, int32_t zero_point, int8_reference::ActivationRange range) {
  const __m256i z = _mm256_set1_epi32(zero_point), min = _mm256_set1_epi32(range.min),
                max = _mm256_set1_epi32(range.max);
  lo = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(lo, z), min), max);
  hi = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(hi, z), min), max);
  const __m128i lo16 = _mm_packs_epi32(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1));
  const __m128i hi16 = _mm_packs_epi32(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1));
  return _mm_packs_epi16(lo16, hi16);
}

// Requantizes 16 sums of one row (two vectors) and stores the first `count` (at most 16).
TINYC_AVX2 inline void requantize_store(__m256i lo, __m256i hi, const RowRequantization& r, int8_t* out,
                                        int64_t count) {
  const __m256i bias = _mm256_set1_epi32(r.bias);
  const VectorMultiplier m = broadcast_multiplier(r.multiplier);
  const __m128i bytes = to_int8(multiply_by_quantized_multiplier(_mm256_add_epi32(lo, bias), m),
                                multiply_by_quantized_multiplier(_mm256_add_epi32(hi, bias), m), r.zero_point,
                                r.activation);
  if (count == 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), bytes);
  } else {
    alignas(16) int8_t staged[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(staged), bytes);
    std::memcpy(out, staged, static_cast<size_t>(count));
  }
}

}  // namespace tinyc::exec::int8_fast::avx2

#endif
