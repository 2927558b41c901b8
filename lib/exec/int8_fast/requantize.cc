// requantize_row: the AVX2 body where the CPU has it, the reference formula for the rest.
#include "exec/int8_fast/requantize.h"

#include <cstring>

#include "exec/int8_fast/requantize_avx2.h"

namespace tinyc::exec::int8_fast {

#if defined(__x86_64__) && defined(__GNUC__)
TINYC_AVX2 int64_t detail::requantize_row_avx2(const int32_t* sums, int64_t count, const RowRequantization& r,
                                               int8_t* out) {
  const __m256i bias = _mm256_set1_epi32(r.bias);
  const avx2::VectorMultiplier m = avx2::broadcast_multiplier(r.multiplier);
  const auto sixteen = [&](const int32_t* from) TINYC_AVX2 {
    const __m256i lo = _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(from)), bias);
    const __m256i hi = _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(from + 8)), bias);
    return avx2::to_int8(avx2::multiply_by_quantized_multiplier(lo, m), avx2::multiply_by_quantized_multiplier(hi, m),
                         r.zero_point, r.activation);
  };
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), sixteen(sums + i));
  if (i < count) {  // the last few through a staged block: short rows are common
    alignas(32) int32_t staged[16] = {};
    alignas(16) int8_t bytes[16];
    std::memcpy(staged, sums + i, static_cast<size_t>(count - i) * sizeof(int32_t));
    _mm_store_si128(reinterpret_cast<__m128i*>(bytes), sixteen(staged));
    std::memcpy(out + i, bytes, static_cast<size_t>(count - i));
  }
  return count;
}
#endif

void requantize_row([[maybe_unused]] Isa isa, const int32_t* sums, int64_t count, const RowRequantization& r,
                    int8_t* out) {
  int64_t done = 0;
#if defined(__x86_64__) && defined(__GNUC__)
  if (isa == Isa::avx2) done = detail::requantize_row_avx2(sums, count, r, out);
#endif
  for (int64_t i = done; i < count; ++i) {
    const auto acc = static_cast<int32_t>(static_cast<uint32_t>(sums[i]) + static_cast<uint32_t>(r.bias));
    out[i] = int8_reference::clamp_to(
        int8_reference::multiply_by_quantized_multiplier(acc, r.multiplier) + r.zero_point, r.activation);
  }
}

}  // namespace tinyc::exec::int8_fast
