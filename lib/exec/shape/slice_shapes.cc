// Shape rules of ops that select or join elements: Slice, Gather, Concat, Pad (with known-data evaluation).
#include <algorithm>
#include <limits>
#include <string>

#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

namespace {

// One axis of a strided selection: `count` elements from `start`, `step` apart.
struct AxisRange {
  int64_t start = 0;
  int64_t step = 1;
  int64_t count = 0;
};

// ONNX Slice clamping: negative indices count from the end; a negative step walks backwards.
AxisRange clamp_range(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (dim == 0) return {0, step, 0};
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  AxisRange r{0, step, 0};
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

// Elements of a C-order tensor of `shape` at the strided selection `ranges` (one per dim).
std::vector<int64_t> select(const std::vector<int64_t>& data, const ir::Shape& shape,
                            const std::vector<AxisRange>& ranges) {
  std::vector<int64_t> out;
  const size_t rank = shape.size();
  std::vector<int64_t> pitch(rank, 1);
  for (size_t d = rank; d-- > 1;) pitch[d - 1] = pitch[d] * shape[d];
  ir::Shape out_shape;
  for (const AxisRange& r : ranges) out_shape.push_back(r.count);
  const int64_t total = ir::num_elements(out_shape);
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < total; ++n) {
    int64_t flat = 0;
    for (size_t d = 0; d < rank; ++d) flat += (ranges[d].start + index[d] * ranges[d].step) * pitch[d];
    out.push_back(data[static_cast<size_t>(flat)]);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out_shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

}  // namespace

void infer_slice(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {  // attributes before opset 10
    starts = ctx.node().attr_ints("starts", {});
    ends = ctx.node().attr_ints("ends", {});
    axes = ctx.node().attr_ints("axes", {});
  } else {
    starts = ctx.require_input_data(1, "starts");
    ends = ctx.require_input_data(2, "ends");
    if (ctx.has_input(3)) axes = ctx.require_input_data(3, "axes");
    if (ctx.has_input(4)) steps = ctx.require_input_data(4, "steps");
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    ctx.fail("starts, ends, axes and steps need the same length, got " + std::to_string(starts.size()) + ", " +
             std::to_string(ends.size()) + ", " + std::to_string(axes.size()) + ", " + std::to_string(steps.size()));
  std::vector<AxisRange> ranges;
  for (int64_t d : x) ranges.push_back({0, 1, d});
  const std::vector<int64_t> normalized = ctx.normalize_axes(axes, rank);
  for (size_t i = 0; i < normalized.size(); ++i) {
    if (steps[i] == 0) ctx.fail("steps must not be 0");
    const size_t a = static_cast<size_t>(normalized[i]);
    ranges[a] = clamp_range(x[a], starts[i], ends[i], steps[i]);
  }
  ir::Shape out;
  for (const AxisRange& r : ranges) out.push_back(r.count);
  ctx.set_output(0, ctx.input_dtype(0), out);
  if (auto data = ctx.input_data(0)) ctx.set_output_data(0, select(*data, x, ranges));
}

void infer_gather(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const ir::Shape& indices = ctx.input_shape(1);
  if (x.empty()) ctx.fail("data must have rank >= 1");
  const int64_t axis = ctx.normalize_axis(ctx.node().attr_int("axis", 0), static_cast<int64_t>(x.size()));
  const size_t ax = static_cast<size_t>(axis);
  ir::Shape out(x.begin(), x.begin() + axis);
  out.insert(out.end(), indices.begin(), indices.end());
  out.insert(out.end(), x.begin() + axis + 1, x.end());
  ctx.set_output(0, ctx.input_dtype(0), out);
  auto index_data = ctx.input_data(1);
  if (!index_data) return;
  for (int64_t& i : *index_data) {
    if (i < -x[ax] || i >= x[ax])
      ctx.fail("index " + std::to_string(i) + " is out of range for axis " + std::to_string(axis) + " of size " +
               std::to_string(x[ax]));
    if (i < 0) i += x[ax];
  }
  const auto data = ctx.input_data(0);
  if (!data || !is_small(out)) return;
  const int64_t outer = ir::num_elements({x.begin(), x.begin() + axis});
  const int64_t inner = ir::num_elements({x.begin() + axis + 1, x.end()});
  std::vector<int64_t> result;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : *index_data)
      for (int64_t k = 0; k < inner; ++k) result.push_back((*data)[static_cast<size_t>((o * x[ax] + i) * inner + k)]);
  ctx.set_output_data(0, std::move(result));
}

void infer_concat(ShapeContext& ctx) {
  const size_t n = ctx.node().inputs().size();
  if (n == 0) ctx.fail("needs at least one input");
  if (!ctx.node().has_attr("axis")) ctx.fail("the axis attribute is required");
  const ir::Shape& first = ctx.input_shape(0);
  const int64_t axis = ctx.normalize_axis(ctx.node().attr_int("axis", 0), static_cast<int64_t>(first.size()));
  ir::Shape out = first;
  out[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < n; ++i) {
    const ir::Shape& s = ctx.input_shape(i);
    ctx.require_same_dtype(0, i);
    bool compatible = s.size() == first.size();
    for (size_t d = 0; compatible && d < s.size(); ++d) compatible = d == static_cast<size_t>(axis) || s[d] == first[d];
    if (!compatible)
      ctx.fail("input shapes " + ir::shape_to_string(first) + " and " + ir::shape_to_string(s) +
               " differ outside axis " + std::to_string(axis));
    out[static_cast<size_t>(axis)] += s[static_cast<size_t>(axis)];
  }
  ctx.set_output(0, ctx.input_dtype(0), out);
  std::vector<std::vector<int64_t>> parts;
  for (size_t i = 0; i < n; ++i) {
    auto data = ctx.input_data(i);
    if (!data) return;
    parts.push_back(std::move(*data));
  }
  const int64_t outer = ir::num_elements({first.begin(), first.begin() + axis});
  std::vector<int64_t> result;
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < n; ++i) {
      const ir::Shape& s = ctx.input_shape(i);
      const int64_t block = ir::num_elements({s.begin() + axis, s.end()});
      result.insert(result.end(), parts[i].begin() + o * block, parts[i].begin() + (o + 1) * block);
    }
  }
  ctx.set_output_data(0, std::move(result));
}

void infer_pad(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  const std::string mode = ctx.node().attr_string("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    ctx.fail("mode '" + mode + "' is not one of constant, reflect, edge, wrap");
  // Pads moved from attribute to input in opset 11; opset 18 added the optional axes input.
  const std::vector<int64_t> pads =
      ctx.opset() < 11 ? ctx.node().attr_ints("pads", {}) : ctx.require_input_data(1, "pads");
  std::vector<int64_t> axes;
  if (ctx.opset() >= 18 && ctx.has_input(3)) {
    axes = ctx.normalize_axes(ctx.require_input_data(3, "axes"), rank);
  } else {
    for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
  }
  if (pads.size() != 2 * axes.size())
    ctx.fail("pads " + ints_to_string(pads) + " should have " + std::to_string(2 * axes.size()) +
             " entries (begin and end per padded axis)");
  ir::Shape out = x;
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t& d = out[static_cast<size_t>(axes[i])];
    d += pads[i] + pads[i + axes.size()];
    if (d < 0) ctx.fail("pads " + ints_to_string(pads) + " crop more than input " + ir::shape_to_string(x) + " holds");
  }
  ctx.set_output(0, ctx.input_dtype(0), out);
}

}  // namespace tinyc::exec::shape
