// Weight packing for the int8 product and the choice of its instruction set.
#include "exec/int8_fast/gemm.h"

namespace tinyc::exec::int8_fast {

GemmWeights pack_gemm_weights(const int8_t* weights, int64_t rows, int64_t depth) {
  GemmWeights packed;
  packed.rows = rows;
  packed.pairs = (depth + 1) / 2;
  const int64_t blocks = (rows + kGemmRows - 1) / kGemmRows;
  packed.values.assign(static_cast<size_t>(blocks * packed.pairs * kGemmRows * 2), 0);
  for (int64_t m = 0; m < rows; ++m)
    for (int64_t k = 0; k < depth; ++k) {
      const int64_t block = m / kGemmRows, pair = k / 2;
      const int64_t at = ((block * packed.pairs + pair) * kGemmRows + m % kGemmRows) * 2 + k % 2;
      packed.values[static_cast<size_t>(at)] = weights[m * depth + k];
    }
  return packed;
}

void gemm_int8([[maybe_unused]] Isa isa, const GemmWeights& weights, GemmColumns columns, const GemmOutput& output) {
#if TINYC_X86_KERNELS
  if (has_avx2(isa)) return detail::gemm_int8_avx2(weights, columns, output);
#endif
  detail::gemm_int8_portable(weights, columns, output);
}

}  // namespace tinyc::exec::int8_fast
