// Fast int8 Mean over contiguous runs.
#include "exec/int8_fast/mean.h"

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

namespace {

// The int32 sum of one run (exact: mean_int8's bound on the count).
int32_t run_sum(const int8_t* __restrict x, int64_t count) {
  int32_t sum = 0;
  for (int64_t i = 0; i < count; ++i) sum += x[i];
  return sum;
}

}  // namespace

void fast_mean_int8(const int8_reference::MeanParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  int8_reference::require_count(input.size(), p.input_count, "Mean int8", "input");
  int8_reference::require_count(output.size(), p.kept.count, "Mean int8", "output");
  const int64_t run = p.reduced.count;
  for (int64_t o = 0; o < p.kept.count; ++o)
    output[static_cast<size_t>(o)] = int8_reference::mean_of_sum(p, run_sum(input.data() + o * run, run));
}

}  // namespace tinyc::exec::int8_fast
