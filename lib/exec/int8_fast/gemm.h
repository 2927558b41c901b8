// The int8 matrix product behind the fast convolution, in TFLite's arithmetic:
//   out[m][n] = clamp(multiply_by_quantized_multiplier(sum_k w[m][k] * x[k][n] + bias[m], mult[m]) + z_out)
// with the sum wrapping in 32 bits as TFLite's int32 accumulator does. Both operands are int16 and
// paired along k, so one SIMD multiply-add (pmaddwd) forms two products per 32-bit lane; a block of
// weight rows by kGemmColumns columns stays in registers for the whole sum, and the requantization
// runs on the same vectors. Every Isa computes the same bytes. (AVX-512 VNNI runs the u8 product of
// gemm_u8.h instead.)
#pragma once

#include <cstdint>
#include <vector>

#include "exec/isa.h"
#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_fast {

inline constexpr int64_t kGemmRows = 4;      // weight rows per register block
inline constexpr int64_t kGemmColumns = 16;  // columns per register block

// Weight rows packed for the product: blocks of kGemmRows rows (the last padded with zero rows),
// within a block k-pair by k-pair, each pair (w[m][2p], w[m][2p + 1]) as two int16, a zero after an
// odd depth.
struct GemmWeights {
  std::vector<int16_t> values;
  int64_t rows = 0;
  int64_t pairs = 0;  // ceil(depth / 2)
};

// `weights` holds rows x depth int8 values, row-major, zero point 0.
GemmWeights pack_gemm_weights(const int8_t* weights, int64_t rows, int64_t depth);

// Columns rounded up to whole register blocks: the stride of a packed column matrix.
inline int64_t padded_columns(int64_t columns) { return (columns + kGemmColumns - 1) / kGemmColumns * kGemmColumns; }

// The right-hand side, packed by the caller: pairs rows of padded_columns(columns) pairs, pair p of
// column n at values[(p * padded + n) * 2], holding (x[2p][n], x[2p + 1][n]); padding is 0.
struct GemmColumns {
  const int16_t* values = nullptr;
  int64_t columns = 0;
};

// Where and how the product is written: row m of the output at data + m * columns.
struct GemmOutput {
  const int32_t* bias = nullptr;  // one per row, or nullptr
  const int8_reference::QuantizedMultiplier* multipliers = nullptr;  // one per row, multiplier >= 0
  int32_t zero_point = 0;
  int8_reference::ActivationRange activation;
  int8_t* data = nullptr;
};

void gemm_int8(Isa isa, const GemmWeights& weights, GemmColumns columns, const GemmOutput& output);

namespace detail {
void gemm_int8_portable(const GemmWeights& weights, GemmColumns columns, const GemmOutput& output);
void gemm_int8_avx2(const GemmWeights& weights, GemmColumns columns, const GemmOutput& output);
}  // namespace detail

}  // namespace tinyc::exec::int8_fast
