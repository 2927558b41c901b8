// Shape rules of ops that select, cut or join elements: Slice, Split, Resize / Upsample, Gather,
// Concat, Pad.
#include <string>

#include "exec/shape/resizing.h"
#include "exec/shape/rules.h"
#include "exec/shape/slicing.h"

namespace tinyc::exec::shape {

void infer_slice(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
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
  ir::Shape out;
  for (const AxisRange& r : resolve_slice(ctx.node(), x, starts, ends, axes, steps)) out.push_back(r.count);
  ctx.set_output(0, ctx.input_dtype(0), out);
}

// The split sizes come from `split` (an attribute before opset 13, an input since); without it the
// outputs are equal parts, or from opset 18 parts of ceil(dim / num_outputs) with a smaller last one.
void infer_split(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const int64_t axis = ctx.normalize_axis(ctx.node().attr_int("axis", 0), static_cast<int64_t>(x.size()));
  const int64_t dim = x[static_cast<size_t>(axis)];
  const auto n = static_cast<int64_t>(ctx.output_count());
  std::vector<int64_t> sizes;
  if (const auto split = ctx.ints_attr_or_input("split", 1, 13)) {
    sizes = *split;
    if (static_cast<int64_t>(sizes.size()) != n)
      ctx.fail("split has " + std::to_string(sizes.size()) + " entries for " + std::to_string(n) + " outputs");
    int64_t total = 0;
    for (int64_t s : sizes) {
      if (s < 0) ctx.fail("split " + ints_to_string(sizes) + " has a negative entry");
      total += s;
    }
    if (total != dim)
      ctx.fail("split " + ints_to_string(sizes) + " adds up to " + std::to_string(total) + ", not the axis size " +
               std::to_string(dim));
  } else if (ctx.opset() >= 18) {
    if (ctx.node().attr_int("num_outputs", 0) != n) ctx.fail("num_outputs must equal the number of outputs");
    const int64_t part = (dim + n - 1) / n;
    if (part * (n - 1) > dim)
      ctx.fail("an axis of size " + std::to_string(dim) + " has no " + std::to_string(n) + " parts of " +
               std::to_string(part));
    sizes.assign(static_cast<size_t>(n), part);
    sizes.back() = dim - part * (n - 1);
  } else {
    if (dim % n != 0)
      ctx.fail("an axis of size " + std::to_string(dim) + " does not split into " + std::to_string(n) +
               " equal parts; give split sizes");
    sizes.assign(static_cast<size_t>(n), dim / n);
  }
  for (size_t i = 0; i < sizes.size(); ++i) {
    ir::Shape out = x;
    out[static_cast<size_t>(axis)] = sizes[i];
    ctx.set_output(i, ctx.input_dtype(0), out);
  }
}

void infer_resize(ShapeContext& ctx) {
  std::optional<std::vector<int64_t>> known_sizes;
  if (ctx.node().op_type == "Resize" && ctx.opset() >= 11 && ctx.has_input(3)) known_sizes = ctx.input_data(3);
  const ResizeSpec spec = resolve_resize(ctx.node(), ctx.input_shape(0), ctx.opset(), known_sizes);
  ctx.set_output(0, ctx.input_dtype(0), spec.output_shape());
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
  const auto index_data = ctx.input_data(1);
  if (!index_data) return;
  for (int64_t i : *index_data)
    if (i < -x[ax] || i >= x[ax])
      ctx.fail("index " + std::to_string(i) + " is out of range for axis " + std::to_string(axis) + " of size " +
               std::to_string(x[ax]));
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
    if (__builtin_add_overflow(d, pads[i], &d) || __builtin_add_overflow(d, pads[i + axes.size()], &d))
      ctx.fail("pads " + ints_to_string(pads) + " make a dimension of input " + ir::shape_to_string(x) +
               " larger than an int64 holds");
    if (d < 0) ctx.fail("pads " + ints_to_string(pads) + " crop more than input " + ir::shape_to_string(x) + " holds");
  }
  ctx.set_output(0, ctx.input_dtype(0), out);
}

}  // namespace tinyc::exec::shape
