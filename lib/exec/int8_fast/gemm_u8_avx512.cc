// The u8 x s8 product with AVX-512 VNNI: per k-quad one load of 16 column quads, eight broadcast
// weight quads and eight vpdpbusd into 8 accumulators of 16 columns; then the AVX2 requantization
// on each half, the correction added with the bias.
#include <algorithm>

#include "exec/int8_fast/gemm_u8.h"
#include "exec/int8_fast/requantize_avx2.h"

namespace tinyc::exec::int8_fast {

#if TINYC_X86_KERNELS

namespace {

// Weight quad `r` of a k-quad's block, in every lane (vpbroadcastd from memory).
TINYC_AVX512 inline __m512i quad(const int8_t* w, int r) { return _mm512_broadcastd_epi32(_mm_loadu_si32(w + 4 * r)); }

static_assert(kGemmU8Rows == 8 && kGemmColumns == 16, "the register block is 8 rows x one vector of 16 columns");

}  // namespace

TINYC_AVX512 void gemm_u8_avx512(const GemmWeightsU8& weights, GemmColumnsU8 columns, const GemmOutput& output) {
  const int64_t padded = padded_columns(columns.columns);
  for (int64_t row0 = 0; row0 < weights.rows; row0 += kGemmU8Rows) {
    const int8_t* block = weights.values.data() + row0 * weights.quads * 4;
    for (int64_t col0 = 0; col0 < columns.columns; col0 += kGemmColumns) {
      // Eight named accumulators: GCC keeps an array of them in memory.
      __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      const uint8_t* x = columns.values + col0 * 4;
      const int8_t* w = block;
      for (int64_t q = 0; q < weights.quads; ++q, x += padded * 4, w += kGemmU8Rows * 4) {
        const __m512i xs = _mm512_loadu_si512(x);
        a0 = _mm512_dpbusd_epi32(a0, xs, quad(w, 0));
        a1 = _mm512_dpbusd_epi32(a1, xs, quad(w, 1));
        a2 = _mm512_dpbusd_epi32(a2, xs, quad(w, 2));
        a3 = _mm512_dpbusd_epi32(a3, xs, quad(w, 3));
        a4 = _mm512_dpbusd_epi32(a4, xs, quad(w, 4));
        a5 = _mm512_dpbusd_epi32(a5, xs, quad(w, 5));
        a6 = _mm512_dpbusd_epi32(a6, xs, quad(w, 6));
        a7 = _mm512_dpbusd_epi32(a7, xs, quad(w, 7));
      }
      const __m512i acc[kGemmU8Rows] = {a0, a1, a2, a3, a4, a5, a6, a7};
      const int64_t rows = std::min(kGemmU8Rows, weights.rows - row0), count = std::min(kGemmColumns, columns.columns - col0);
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t m = row0 + r;
        const auto bias = static_cast<uint32_t>(output.bias ? output.bias[m] : 0) +
                          static_cast<uint32_t>(weights.correction[static_cast<size_t>(m)]);
        const RowRequantization q{static_cast<int32_t>(bias), output.multipliers[m], output.zero_point,
                                  output.activation};
        avx2::requantize_store(_mm512_castsi512_si256(acc[r]), _mm512_extracti64x4_epi64(acc[r], 1), q,
                               output.data + m * columns.columns + col0, count);
      }
    }
  }
}

#endif

}  // namespace tinyc::exec::int8_fast
