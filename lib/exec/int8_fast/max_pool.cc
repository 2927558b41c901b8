// Fast int8 MaxPool over row maxima.
#include "exec/int8_fast/max_pool.h"

#include <algorithm>

#include "exec/int8_fast/scratch.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

size_t fast_max_pool_scratch_bytes(const int8_reference::PoolParams& p) { return static_cast<size_t>(p.in_w); }

namespace {

// row_max[c] = max(row_max[c], row[c]) for c < count; restrict lets the byte loop vectorize.
__attribute__((always_inline)) inline void take_max(const int8_t* __restrict row, int64_t count,
                                                    int8_t* __restrict row_max) {
  for (int64_t c = 0; c < count; ++c) row_max[c] = std::max(row_max[c], row[c]);
}

// The whole kernel, inlined into one function per instruction set so the compiler vectorizes its
// row maxima for each.
__attribute__((always_inline)) inline void max_pool(const int8_reference::PoolParams& p, const int8_t* input,
                                                    int8_t* out, int8_t* row_max) {
  // Output columns whose window lies inside the row and needs no clipping.
  const int64_t inner_first = std::min(p.out_w, (p.pad_left + p.stride_w - 1) / p.stride_w);
  const int64_t room = p.in_w + p.pad_left - p.kernel_w;  // the last inner window starts at room / stride
  const int64_t inner_last = room < 0 ? inner_first : std::max(inner_first, std::min(p.out_w, room / p.stride_w + 1));
  for (int64_t plane = 0; plane < p.planes; ++plane) {
    const int8_t* x = input + plane * p.in_h * p.in_w;
    for (int64_t oy = 0; oy < p.out_h; ++oy, out += p.out_w) {
      const int8_reference::WindowSpan rows = int8_reference::window_rows(p, oy);
      std::fill_n(row_max, p.in_w, int8_t{-128});
      for (int64_t y = rows.begin; y < rows.end; ++y) take_max(x + y * p.in_w, p.in_w, row_max);
      const auto clipped = [&](int64_t ox) {
        const int8_reference::WindowSpan columns = int8_reference::window_columns(p, ox);
        int8_t best = -128;
        for (int64_t c = columns.begin; c < columns.end; ++c) best = std::max(best, row_max[c]);
        out[ox] = int8_reference::clamp_to(best, p.activation);
      };
      for (int64_t ox = 0; ox < inner_first; ++ox) clipped(ox);
      if (p.kernel_w == 2 && p.stride_w == 2) {  // the common 2 x 2 pool, in a loop the compiler vectorizes
        const int8_t* pairs = row_max + inner_first * 2 - p.pad_left;
        for (int64_t ox = inner_first; ox < inner_last; ++ox, pairs += 2)
          out[ox] = static_cast<int8_t>(
              std::min<int32_t>(std::max<int32_t>(std::max(pairs[0], pairs[1]), p.activation.min), p.activation.max));
      } else {
        for (int64_t ox = inner_first; ox < inner_last; ++ox) clipped(ox);
      }
      for (int64_t ox = inner_last; ox < p.out_w; ++ox) clipped(ox);
    }
  }
}

void max_pool_portable(const int8_reference::PoolParams& p, const int8_t* input, int8_t* out, int8_t* row_max) {
  max_pool(p, input, out, row_max);
}

#if TINYC_X86_KERNELS
TINYC_AVX2 void max_pool_avx2(const int8_reference::PoolParams& p, const int8_t* input,
                                                   int8_t* out, int8_t* row_max) {
  max_pool(p, input, out, row_max);
}
#endif

}  // namespace

void fast_max_pool_int8(Isa isa, const int8_reference::PoolParams& p, std::span<const int8_t> input,
                        std::span<int8_t> output, std::span<std::byte> scratch) {
  int8_reference::require_count(input.size(), p.input_count(), "MaxPool int8", "input");
  int8_reference::require_count(output.size(), p.output_count(), "MaxPool int8", "output");
  require_scratch(scratch, fast_max_pool_scratch_bytes(p), "MaxPool int8");
  auto* row_max = reinterpret_cast<int8_t*>(scratch.data());
#if TINYC_X86_KERNELS
  if (has_avx2(isa)) return max_pool_avx2(p, input.data(), output.data(), row_max);
#endif
  max_pool_portable(p, input.data(), output.data(), row_max);
}

}  // namespace tinyc::exec::int8_fast
