// The int8 Conv product on AVX-512 VNNI as unsigned x signed bytes: vpdpbusd adds four u8 x s8
// products per int32 lane, twice the work per instruction of the int16 product (gemm.h). The
// inputs are offset to u = x + 128 (padding: z_in + 128), so
//   sum_k w * (x - z_in) = sum_k w * u - (128 + z_in) * sum_k w,
// and the second term, fixed per output row, is a correction added with the bias. Every sum wraps
// mod 2^32 as TFLite's int32 accumulator does, so the bytes equal the int16 product's.
#pragma once

#include <cstdint>
#include <vector>

#include "exec/int8_fast/gemm.h"

namespace tinyc::exec::int8_fast {

inline constexpr int64_t kGemmU8Rows = 8;  // weight rows per register block (32 vector registers)

// Weight rows packed for the u8 product: blocks of kGemmU8Rows rows (the last padded with zero rows),
// within a block k-quad by k-quad, each quad (w[m][4q] .. w[m][4q + 3]) as four int8, zeros past
// the depth; and each row's -(128 + z_in) * sum_k w, wrapped to int32.
struct GemmWeightsU8 {
  std::vector<int8_t> values;
  int64_t rows = 0;
  int64_t quads = 0;  // ceil(depth / 4)
  std::vector<int32_t> correction;
};

// `weights` holds rows x depth int8 values, row-major, zero point 0; `input_zero_point` is z_in.
GemmWeightsU8 pack_gemm_weights_u8(const int8_t* weights, int64_t rows, int64_t depth, int32_t input_zero_point);

// The right-hand side: quads rows of padded_columns(columns) quads, quad q of column n at
// values[(q * padded + n) * 4], holding (u[4q][n] .. u[4q + 3][n]); any byte where the weight is 0.
struct GemmColumnsU8 {
  const uint8_t* values = nullptr;
  int64_t columns = 0;
};

// The product with the correction added to each row's sum; requantized as gemm_int8. Only on a CPU
// where isa.h detected Isa::avx512.
void gemm_u8_avx512(const GemmWeightsU8& weights, GemmColumnsU8 columns, const GemmOutput& output);

}  // namespace tinyc::exec::int8_fast
