// Slice and Shape index clamping as the ONNX specs define it.
#include "exec/shape/slicing.h"

#include <algorithm>
#include <limits>
#include <string>

#include "exec/shape/shape_rule.h"

namespace tinyc::exec::shape {

namespace {

// Negative indices count from the end; a positive step clamps to [0, dim], a negative one walks
// backwards from at most dim - 1 down to (but excluding) at least -1.
AxisRange clamp_axis(int64_t dim, int64_t start, int64_t end, int64_t step) {
  AxisRange r{0, step, 0};
  if (dim == 0) return r;
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    r.start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    r.count = end > r.start ? (end - r.start - 1) / step + 1 : 0;
  } else {
    r.start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    const int64_t back = step == std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::max() : -step;
    r.count = r.start > end ? (r.start - end - 1) / back + 1 : 0;
  }
  return r;
}

}  // namespace

std::vector<AxisRange> resolve_slice(const ir::Node& node, const ir::Shape& input, const std::vector<int64_t>& starts,
                                     const std::vector<int64_t>& ends, std::vector<int64_t> axes,
                                     std::vector<int64_t> steps) {
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    throw node_error(node, "starts, ends, axes and steps need the same length, got " + std::to_string(starts.size()) +
                               ", " + std::to_string(ends.size()) + ", " + std::to_string(axes.size()) + ", " +
                               std::to_string(steps.size()));
  std::vector<AxisRange> ranges;
  for (int64_t d : input) ranges.push_back({0, 1, d});
  const std::vector<int64_t> normalized = normalize_axes(node, axes, static_cast<int64_t>(input.size()));
  for (size_t i = 0; i < normalized.size(); ++i) {
    if (steps[i] == 0) throw node_error(node, "steps must not be 0");
    const size_t a = static_cast<size_t>(normalized[i]);
    ranges[a] = clamp_axis(input[a], starts[i], ends[i], steps[i]);
  }
  return ranges;
}

DimRange resolve_shape_range(const ir::Node& node, int64_t rank) {
  const auto clamp = [&](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank); };
  const int64_t first = clamp(node.attr_int("start", 0));
  return {first, std::max(first, clamp(node.attr_int("end", rank)))};
}

}  // namespace tinyc::exec::shape
