// Fast int8 AveragePool over column sums.
#include "exec/int8_fast/average_pool.h"

#include <algorithm>

#include "exec/int8_fast/scratch.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

size_t fast_average_pool_scratch_bytes(const int8_reference::PoolParams& p) {
  return static_cast<size_t>(p.in_w) * sizeof(int32_t);
}

namespace {

// column_sums[c] += row[c] for c < count.
void add_row(const int8_t* __restrict row, int64_t count, int32_t* __restrict column_sums) {
  for (int64_t c = 0; c < count; ++c) column_sums[c] += row[c];
}

}  // namespace

void fast_average_pool_int8(const int8_reference::PoolParams& p, std::span<const int8_t> input,
                            std::span<int8_t> output, std::span<std::byte> scratch) {
  int8_reference::require_count(input.size(), p.input_count(), "AveragePool int8", "input");
  int8_reference::require_count(output.size(), p.output_count(), "AveragePool int8", "output");
  require_scratch(scratch, fast_average_pool_scratch_bytes(p), "AveragePool int8");
  auto* column_sums = reinterpret_cast<int32_t*>(scratch.data());
  int8_t* out = output.data();
  for (int64_t plane = 0; plane < p.planes; ++plane) {
    const int8_t* x = input.data() + plane * p.in_h * p.in_w;
    for (int64_t oy = 0; oy < p.out_h; ++oy) {
      const int8_reference::WindowSpan rows = int8_reference::window_rows(p, oy);
      std::fill_n(column_sums, p.in_w, 0);
      for (int64_t y = rows.begin; y < rows.end; ++y) add_row(x + y * p.in_w, p.in_w, column_sums);
      for (int64_t ox = 0; ox < p.out_w; ++ox, ++out) {
        const int8_reference::WindowSpan columns = int8_reference::window_columns(p, ox);
        int32_t sum = 0;
        for (int64_t c = columns.begin; c < columns.end; ++c) sum += column_sums[c];
        *out = int8_reference::average_of_sum(p, sum, static_cast<int32_t>(rows.size() * columns.size()));
      }
    }
  }
}

}  // namespace tinyc::exec::int8_fast
