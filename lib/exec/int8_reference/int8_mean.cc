// int8 Mean (see int8_mean.h).
#include "exec/int8_reference/int8_mean.h"

#include <algorithm>
#include <bit>

namespace tinyc::exec::int8_reference {

namespace {

// QuantizedMeanOrSum's adjustment: multiply by 2^shift / count with shift = floor(log2(count)),
// capped at 32 and at 31 + the multiplier's own shift, and lower the shift by as much.
QuantizedMultiplier fold_count(QuantizedMultiplier m, int64_t count) {
  int shift = 63 - std::countl_zero(static_cast<uint64_t>(count));
  shift = std::min(shift, 32);
  shift = std::min(shift, 31 + m.shift);
  return {static_cast<int32_t>((static_cast<int64_t>(m.multiplier) << shift) / count), m.shift - shift};
}

}  // namespace

MeanParams prepare_mean(const ir::Shape& input, std::span<const int64_t> axes, const ir::QuantParams& input_q,
                        const ir::QuantParams& output_q) {
  require_rank_at_most(input, kMaxDims, "Mean int8");
  const AffineParams in = per_tensor(input_q, "Mean input");
  const AffineParams out = per_tensor(output_q, "Mean output");
  const auto rank = static_cast<int64_t>(input.size());
  std::array<bool, kMaxDims> reduce{};
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank)
      throw InputError("Mean int8: axis " + std::to_string(axis) + " is out of range for " +
                       ir::shape_to_string(input));
    reduce[static_cast<size_t>(axis < 0 ? axis + rank : axis)] = true;
  }
  MeanParams p;
  p.input_count = ir::num_elements(input);
  int64_t stride = p.input_count;
  for (size_t d = 0; d < input.size(); ++d) {
    stride = input[d] == 0 ? 0 : stride / input[d];
    (reduce[d] ? p.reduced : p.kept).push(input[d], stride);
  }
  // Trailing reduced axes: their strides are those of a contiguous block, innermost stride 1.
  int64_t run = 1;
  p.reduced_run = true;
  for (size_t d = p.reduced.rank; d-- > 0;) {
    p.reduced_run = p.reduced_run && p.reduced.strides[d] == run;
    run *= p.reduced.dims[d];
  }
  if (p.reduced.count == 0 || p.kept.count == 0)
    throw InputError("Mean int8: nothing to average in " + ir::shape_to_string(input) + "; check the axes");
  p.input_zero_point = in.zero_point;
  p.output_zero_point = out.zero_point;
  const QuantizedMultiplier rescale =
      effective_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale), "Mean int8");
  p.multiplier = fold_count(rescale, p.reduced.count);
  return p;
}

void mean_int8(const MeanParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  require_count(input.size(), p.input_count, "Mean int8", "input");
  require_count(output.size(), p.kept.count, "Mean int8", "output");
  const auto count = static_cast<int32_t>(p.reduced.count);
  int64_t o = 0;
  walk_offsets(p.kept, 0, [&](int64_t base) {
    int32_t sum = 0;
    if (p.reduced_run)
      for (int64_t i = base; i < base + count; ++i) sum += input[static_cast<size_t>(i)];
    else
      walk_offsets(p.reduced, base, [&](int64_t i) { sum += input[static_cast<size_t>(i)]; });
    output[static_cast<size_t>(o++)] = mean_of_sum(p, sum);
  });
}

}  // namespace tinyc::exec::int8_reference
