// The int8 product with AVX-512 VNNI: per k-pair one load of 16 column pairs, eight broadcast
// weight pairs and eight vpdpwssd (two int16 products added to each int32 lane, wrapping like
// pmaddwd + add) into 8 accumulators of 16 columns; then the AVX2 requantization on each half.
// Compiled for AVX-512 function by function; runs only where isa.h detected it.
#include <algorithm>

#include "exec/int8_fast/gemm.h"
#include "exec/int8_fast/requantize_avx2.h"

namespace tinyc::exec::int8_fast::detail {

#if TINYC_X86_KERNELS

// Weight pair `r` of a k-pair's block, in every lane (vpbroadcastd from memory).
TINYC_AVX512 inline __m512i pair(const int16_t* w, int r) { return _mm512_broadcastd_epi32(_mm_loadu_si32(w + 2 * r)); }

static_assert(kGemmRows == 8 && kGemmColumns == 16, "the register block is 8 rows x one vector of 16 columns");

TINYC_AVX512 void gemm_int8_avx512(const GemmWeights& weights, GemmColumns columns, const GemmOutput& output) {
  const int64_t padded = padded_columns(columns.columns);
  for (int64_t row0 = 0; row0 < weights.rows; row0 += kGemmRows) {
    const int16_t* block = weights.values.data() + row0 * weights.pairs * 2;
    for (int64_t col0 = 0; col0 < columns.columns; col0 += kGemmColumns) {
      // Eight named accumulators: GCC keeps an array of them in memory.
      __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      const int16_t* x = columns.values + col0 * 2;
      const int16_t* w = block;
      for (int64_t p = 0; p < weights.pairs; ++p, x += padded * 2, w += kGemmRows * 2) {
        const __m512i xs = _mm512_loadu_si512(x);
        a0 = _mm512_dpwssd_epi32(a0, xs, pair(w, 0));
        a1 = _mm512_dpwssd_epi32(a1, xs, pair(w, 1));
        a2 = _mm512_dpwssd_epi32(a2, xs, pair(w, 2));
        a3 = _mm512_dpwssd_epi32(a3, xs, pair(w, 3));
        a4 = _mm512_dpwssd_epi32(a4, xs, pair(w, 4));
        a5 = _mm512_dpwssd_epi32(a5, xs, pair(w, 5));
        a6 = _mm512_dpwssd_epi32(a6, xs, pair(w, 6));
        a7 = _mm512_dpwssd_epi32(a7, xs, pair(w, 7));
      }
      const __m512i acc[kGemmRows] = {a0, a1, a2, a3, a4, a5, a6, a7};
      const int64_t rows = std::min(kGemmRows, weights.rows - row0), count = std::min(kGemmColumns, columns.columns - col0);
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t m = row0 + r;
        const RowRequantization q{output.bias ? output.bias[m] : 0, output.multipliers[m], output.zero_point,
                                  output.activation};
        avx2::requantize_store(_mm512_castsi512_si256(acc[r]), _mm512_extracti64x4_epi64(acc[r], 1), q,
                               output.data + m * columns.columns + col0, count);
      }
    }
  }
}

#endif

}  // namespace tinyc::exec::int8_fast::detail
