// The int8 product with AVX2: per k-pair two loads of 8 column pairs each, four broadcast weight
// pairs and eight pmaddwd into 8 accumulators that live in registers; then the vector
// requantization. Compiled for AVX2 function by function, so the file links into binaries for any
// x86-64 and runs only where isa.h detected AVX2.
#include <algorithm>

#include "exec/int8_fast/gemm.h"
#include "exec/int8_fast/requantize_avx2.h"

namespace tinyc::exec::int8_fast::detail {

#if TINYC_X86_KERNELS

namespace {

static_assert(kGemmRows == 4 && kGemmColumns == 16, "the register block is 4 rows x two vectors of 8 columns");

// Weight pair `r` of a k-pair's block, in every lane (vpbroadcastd from memory).
TINYC_AVX2 inline __m256i pair(const int16_t* w, int r) { return _mm256_broadcastd_epi32(_mm_loadu_si32(w + 2 * r)); }

}  // namespace

TINYC_AVX2 void gemm_int8_avx2(const GemmWeights& weights, GemmColumns columns, const GemmOutput& output) {
  const int64_t padded = padded_columns(columns.columns);
  for (int64_t row0 = 0; row0 < weights.rows; row0 += kGemmRows) {
    const int16_t* block = weights.values.data() + row0 * weights.pairs * 2;
    for (int64_t col0 = 0; col0 < columns.columns; col0 += kGemmColumns) {
      __m256i a00 = _mm256_setzero_si256(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
              a31 = a00;
      const int16_t* x = columns.values + col0 * 2;
      const int16_t* w = block;
      for (int64_t p = 0; p < weights.pairs; ++p, x += padded * 2, w += kGemmRows * 2) {
        const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
        const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 16));
        const __m256i w0 = pair(w, 0), w1 = pair(w, 1), w2 = pair(w, 2), w3 = pair(w, 3);
        a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(x0, w0));
        a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(x1, w0));
        a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(x0, w1));
        a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(x1, w1));
        a20 = _mm256_add_epi32(a20, _mm256_madd_epi16(x0, w2));
        a21 = _mm256_add_epi32(a21, _mm256_madd_epi16(x1, w2));
        a30 = _mm256_add_epi32(a30, _mm256_madd_epi16(x0, w3));
        a31 = _mm256_add_epi32(a31, _mm256_madd_epi16(x1, w3));
      }
      const __m256i lo[kGemmRows] = {a00, a10, a20, a30}, hi[kGemmRows] = {a01, a11, a21, a31};
      const int64_t rows = std::min(kGemmRows, weights.rows - row0), count = std::min(kGemmColumns, columns.columns - col0);
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t m = row0 + r;
        const RowRequantization q{output.bias ? output.bias[m] : 0, output.multipliers[m], output.zero_point,
                                  output.activation};
        avx2::requantize_store(lo[r], hi[r], q, output.data + m * columns.columns + col0, count);
      }
    }
  }
}

#endif

}  // namespace tinyc::exec::int8_fast::detail
