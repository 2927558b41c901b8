// The int8 product with AVX2: per k-pair, two loads of 8 column pairs each, kGemmRows broadcast
// weight pairs and 2 * kGemmRows pmaddwd into 8 accumulators that live in registers; then the
// vector requantization. Compiled for AVX2 function by function, so the file links into binaries
// for any x86-64 and runs only where isa.h detected AVX2.
#include <algorithm>
#include <cstring>

#include "exec/int8_fast/gemm.h"
#include "exec/int8_fast/requantize_avx2.h"

namespace tinyc::exec::int8_fast::detail {

#if defined(__x86_64__) && defined(__GNUC__)

namespace {

static_assert(kGemmRows == 4 && kGemmColumns == 16, "the register block below is 4 rows x 16 columns");

// Requantizes one row's 16 sums and stores the first `count` of them.
TINYC_AVX2 void store_row(__m256i lo, __m256i hi, int64_t m, const GemmOutput& output, int8_t* out, int64_t count) {
  const __m256i bias = _mm256_set1_epi32(output.bias ? output.bias[m] : 0);
  const avx2::VectorMultiplier mult = avx2::broadcast_multiplier(output.multipliers[m]);
  const __m128i bytes = avx2::to_int8(avx2::multiply_by_quantized_multiplier(_mm256_add_epi32(lo, bias), mult),
                                      avx2::multiply_by_quantized_multiplier(_mm256_add_epi32(hi, bias), mult),
                                      output.zero_point, output.activation);
  if (count == kGemmColumns) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), bytes);
  } else {
    alignas(16) int8_t staged[kGemmColumns];
    _mm_store_si128(reinterpret_cast<__m128i*>(staged), bytes);
    std::memcpy(out, staged, static_cast<size_t>(count));
  }
}

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
        int32_t pair[kGemmRows];
        std::memcpy(pair, w, sizeof(pair));
        const __m256i w0 = _mm256_set1_epi32(pair[0]), w1 = _mm256_set1_epi32(pair[1]),
                      w2 = _mm256_set1_epi32(pair[2]), w3 = _mm256_set1_epi32(pair[3]);
        a00 = _mm256_add_epi32(a00, _mm256_madd_epi16(x0, w0));
        a01 = _mm256_add_epi32(a01, _mm256_madd_epi16(x1, w0));
        a10 = _mm256_add_epi32(a10, _mm256_madd_epi16(x0, w1));
        a11 = _mm256_add_epi32(a11, _mm256_madd_epi16(x1, w1));
        a20 = _mm256_add_epi32(a20, _mm256_madd_epi16(x0, w2));
        a21 = _mm256_add_epi32(a21, _mm256_madd_epi16(x1, w2));
        a30 = _mm256_add_epi32(a30, _mm256_madd_epi16(x0, w3));
        a31 = _mm256_add_epi32(a31, _mm256_madd_epi16(x1, w3));
      }
      const int64_t rows = std::min(kGemmRows, weights.rows - row0), count = std::min(kGemmColumns, columns.columns - col0);
      int8_t* out = output.data + row0 * columns.columns + col0;
      const __m256i lo[kGemmRows] = {a00, a10, a20, a30}, hi[kGemmRows] = {a01, a11, a21, a31};
      for (int64_t r = 0; r < rows; ++r) store_row(lo[r], hi[r], row0 + r, output, out + r * columns.columns, count);
    }
  }
}

#endif

}  // namespace tinyc::exec::int8_fast::detail
