// The int8 product in plain C++: the same register blocks as the SIMD versions, written so the
// compiler vectorizes the column loop, and the portable requantize_row.
#include <algorithm>

#include "exec/int8_fast/gemm.h"
#include "exec/int8_fast/requantize.h"

namespace tinyc::exec::int8_fast::detail {

void gemm_int8_portable(const GemmWeights& weights, GemmColumns columns, const GemmOutput& output) {
  const int64_t padded = padded_columns(columns.columns);
  for (int64_t row0 = 0; row0 < weights.rows; row0 += kGemmRows) {
    const int16_t* block = weights.values.data() + row0 * weights.pairs * 2;
    for (int64_t col0 = 0; col0 < columns.columns; col0 += kGemmColumns) {
      // Unsigned sums wrap mod 2^32 without undefined behaviour, as TFLite's int32 accumulator does.
      uint32_t acc[kGemmRows][kGemmColumns] = {};
      for (int64_t p = 0; p < weights.pairs; ++p) {
        const int16_t* x = columns.values + (p * padded + col0) * 2;
        const int16_t* w = block + p * kGemmRows * 2;
        for (int64_t r = 0; r < kGemmRows; ++r) {
          const int32_t w0 = w[r * 2], w1 = w[r * 2 + 1];
          for (int64_t c = 0; c < kGemmColumns; ++c)
            acc[r][c] += static_cast<uint32_t>(w0 * x[c * 2] + w1 * x[c * 2 + 1]);
        }
      }
      const int64_t rows = std::min(kGemmRows, weights.rows - row0), cols = std::min(kGemmColumns, columns.columns - col0);
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t m = row0 + r;
        int32_t sums[kGemmColumns];
        for (int64_t c = 0; c < cols; ++c) sums[c] = static_cast<int32_t>(acc[r][c]);
        const RowRequantization q{output.bias ? output.bias[m] : 0, output.multipliers[m], output.zero_point,
                                  output.activation};
        requantize_row(Isa::portable, sums, cols, q, output.data + m * columns.columns + col0);
      }
    }
  }
}

}  // namespace tinyc::exec::int8_fast::detail
