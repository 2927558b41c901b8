// requantize_row: the AVX2 body where the CPU has it, else the reference formula.
#include "exec/int8_fast/requantize.h"

#include <algorithm>
#include <cstring>

#include "exec/int8_fast/requantize_avx2.h"

namespace tinyc::exec::int8_fast {

#if TINYC_X86_KERNELS
TINYC_AVX2 void detail::requantize_row_avx2(const int32_t* sums, int64_t count, const RowRequantization& r,
                                               int8_t* out) {
  for (int64_t i = 0; i < count; i += 16) {
    const int64_t n = std::min<int64_t>(16, count - i);
    if (n == 16) {
      avx2::requantize_store(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(sums + i)),
                             _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sums + i + 8)), r, out + i, n);
    } else {  // the last few through a staged block: short rows are common
      alignas(32) int32_t staged[16] = {};
      std::memcpy(staged, sums + i, static_cast<size_t>(n) * sizeof(int32_t));
      avx2::requantize_store(_mm256_load_si256(reinterpret_cast<const __m256i*>(staged)),
                             _mm256_load_si256(reinterpret_cast<const __m256i*>(staged + 8)), r, out + i, n);
    }
  }
}
#endif

void requantize_row([[maybe_unused]] Isa isa, const int32_t* sums, int64_t count, const RowRequantization& r,
                    int8_t* out) {
#if TINYC_X86_KERNELS
  if (has_avx2(isa)) return detail::requantize_row_avx2(sums, count, r, out);
#endif
  for (int64_t i = 0; i < count; ++i) {
    const auto acc = static_cast<int32_t>(static_cast<uint32_t>(sums[i]) + static_cast<uint32_t>(r.bias));
    out[i] = int8_reference::clamp_to(
        int8_reference::multiply_by_quantized_multiplier(acc, r.multiplier) + r.zero_point, r.activation);
  }
}

}  // namespace tinyc::exec::int8_fast
