// TFLite's int8 MUL with AVX2, sixteen elements per step: widen, subtract the zero points, multiply
// in int32, rescale to the output, narrow.
#include "exec/int8_fast/mul.h"
#include "exec/int8_fast/requantize_avx2.h"

namespace tinyc::exec::int8_fast::detail {

#if TINYC_X86_KERNELS

namespace {

// Eight int8 values from `at` as int32 lanes minus the zero point.
TINYC_AVX2 __m256i centered(const int8_t* at, __m256i zero_point) {
  return _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(at))), zero_point);
}

}  // namespace

TINYC_AVX2 int64_t mul_int8_avx2(const int8_reference::MulParams& p, const int8_t* a, const int8_t* b, bool b_scalar,
                                 int8_t* output, int64_t count) {
  const avx2::VectorMultiplier m = avx2::broadcast_multiplier(p.multiplier);
  const __m256i z1 = _mm256_set1_epi32(p.input1_zero_point), z2 = _mm256_set1_epi32(p.input2_zero_point);
  const __m256i scalar_b = _mm256_set1_epi32(static_cast<int32_t>(b[0]) - p.input2_zero_point);
  // Eight outputs before the zero point and the clamp; the product of two offsets fits 17 bits.
  const auto rescaled = [&](int64_t at) TINYC_AVX2 {
    const __m256i x2 = b_scalar ? scalar_b : centered(b + at, z2);
    return avx2::multiply_by_quantized_multiplier(_mm256_mullo_epi32(centered(a + at, z1), x2), m);
  };
  int64_t i = 0;
  for (; i + 16 <= count; i += 16)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + i),
                     avx2::to_int8(rescaled(i), rescaled(i + 8), p.output_zero_point, p.activation));
  return i;
}

#endif

}  // namespace tinyc::exec::int8_fast::detail
