// TFLite's int8 ADD with AVX2, sixteen elements per step: widen, subtract the zero points, shift by
// the 20-bit headroom, rescale both inputs, sum, rescale to the output, narrow.
#include "exec/int8_fast/add.h"
#include "exec/int8_fast/requantize_avx2.h"

namespace tinyc::exec::int8_fast::detail {

#if TINYC_X86_KERNELS

namespace {

// Eight int8 values from `at` as int32 lanes minus the zero point, shifted by the headroom.
TINYC_AVX2 __m256i widen(const int8_t* at, __m256i zero_point) {
  const __m256i x = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(at)));
  return _mm256_slli_epi32(_mm256_sub_epi32(x, zero_point), int8_reference::kAddLeftShift);
}

// AddParams broadcast to vectors once per call.
struct VectorAdd {
  avx2::VectorMultiplier m1, m2, out;
  __m256i z1, z2;
};

// Eight outputs before the zero point and the clamp.
TINYC_AVX2 __m256i rescaled_sum(const VectorAdd& v, const int8_t* a, const int8_t* b) {
  const __m256i s = _mm256_add_epi32(avx2::multiply_by_quantized_multiplier(widen(a, v.z1), v.m1),
                                     avx2::multiply_by_quantized_multiplier(widen(b, v.z2), v.m2));
  return avx2::multiply_by_quantized_multiplier(s, v.out);
}

}  // namespace

TINYC_AVX2 int64_t add_int8_avx2(const int8_reference::AddParams& p, const int8_t* a, const int8_t* b, int8_t* output,
                                 int64_t count) {
  const VectorAdd v{avx2::broadcast_multiplier(p.input1_multiplier), avx2::broadcast_multiplier(p.input2_multiplier),
                    avx2::broadcast_multiplier(p.output_multiplier), _mm256_set1_epi32(p.input1_zero_point),
                    _mm256_set1_epi32(p.input2_zero_point)};
  int64_t i = 0;
  for (; i + 16 <= count; i += 16)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(output + i),
                     avx2::to_int8(rescaled_sum(v, a + i, b + i), rescaled_sum(v, a + i + 8, b + i + 8),
                                   p.output_zero_point, p.activation));
  return i;
}

#endif

}  // namespace tinyc::exec::int8_fast::detail
