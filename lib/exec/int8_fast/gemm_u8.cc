// Weight packing for the u8 x s8 product.
#include "exec/int8_fast/gemm_u8.h"

namespace tinyc::exec::int8_fast {

GemmWeightsU8 pack_gemm_weights_u8(const int8_t* weights, int64_t rows, int64_t depth, int32_t input_zero_point) {
  GemmWeightsU8 packed;
  packed.rows = rows;
  packed.quads = (depth + 3) / 4;
  const int64_t blocks = (rows + kGemmU8Rows - 1) / kGemmU8Rows;
  packed.values.assign(static_cast<size_t>(blocks * packed.quads * kGemmU8Rows * 4), 0);
  for (int64_t m = 0; m < rows; ++m) {
    int64_t sum = 0;
    for (int64_t k = 0; k < depth; ++k) {
      const int64_t at = ((m / kGemmU8Rows * packed.quads + k / 4) * kGemmU8Rows + m % kGemmU8Rows) * 4 + k % 4;
      packed.values[static_cast<size_t>(at)] = weights[m * depth + k];
      sum += weights[m * depth + k];
    }
    // -(128 + z_in) * sum in 64 bits, then its low 32 bits: the int32 accumulator's wrap.
    packed.correction.push_back(static_cast<int32_t>(static_cast<uint32_t>(-(128 + int64_t{input_zero_point}) * sum)));
  }
  return packed;
}

}  // namespace tinyc::exec::int8_fast
