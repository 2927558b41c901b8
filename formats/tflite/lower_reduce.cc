// GlobalAveragePool / GlobalMaxPool -> MEAN / REDUCE_MAX over NHWC axes [1, 2] with keep_dims;
// ReduceMean / ReduceMax -> MEAN / REDUCE_MAX over their axes moved to their NHWC positions.
#include <algorithm>
#include <set>
#include <vector>

#include "formats/tflite/layout.h"
#include "formats/tflite/lowering.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

// MEAN for the averages, REDUCE_MAX for the maxima.
fb::BuiltinOperator reducer_of(const ir::Node& node) {
  const bool max = node.op_type == "ReduceMax" || node.op_type == "GlobalMaxPool";
  return max ? fb::BuiltinOperator::REDUCE_MAX : fb::BuiltinOperator::MEAN;
}

void add_reduce(LoweringContext& ctx, const ir::Node& node, std::vector<int64_t> axes, bool keep_dims) {
  std::sort(axes.begin(), axes.end());
  const int32_t input = ctx.input(node.input(0)).index;
  const int32_t axes_tensor = ctx.int32_constant(node.name + "/axes", axes);
  fb::ReducerOptionsT o;
  o.keep_dims = keep_dims;
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(reducer_of(node), {input, axes_tensor}, {ctx.define(node.output(0))}, std::move(options));
}

std::vector<int64_t> reduce_axes(const ir::Node& node, LoweringContext& ctx, size_t rank) {
  std::vector<int64_t> axes = ctx.opset() >= 18 && node.input(1) ? constant_of(node, node.input(1), "axes input").to_int64()
                                                                   : node.attr_ints("axes", {});
  if (axes.empty()) {
    if (node.attr_int("noop_with_empty_axes", 0) != 0) return {};
    for (size_t d = 0; d < rank; ++d) axes.push_back(static_cast<int64_t>(d));
  }
  std::set<int64_t> unique;
  for (int64_t a : axes) {
    const int64_t normalized = a < 0 ? a + static_cast<int64_t>(rank) : a;
    if (normalized < 0 || normalized >= static_cast<int64_t>(rank))
      throw InputError(describe(node) + ": axis " + std::to_string(a) + " is out of range");
    unique.insert(normalized);
  }
  return {unique.begin(), unique.end()};
}

}  // namespace

void lower_global_pool(const ir::Node& node, LoweringContext& ctx) {
  if (shape_of(node, node.input(0)).size() != 4)
    throw InputError(describe(node) + ": global pools are written for 2-D (NCHW) inputs only");
  add_reduce(ctx, node, {1, 2}, /*keep_dims=*/true);
}

void lower_reduce(const ir::Node& node, LoweringContext& ctx) {
  const ir::Shape& xs = shape_of(node, node.input(0));
  const std::vector<int64_t> axes = reduce_axes(node, ctx, xs.size());
  if (axes.empty()) {
    ctx.alias(node.output(0), node.input(0));
    return;
  }
  const bool keep_dims = node.attr_int("keepdims", 1) != 0;
  if (xs.size() != 4) {
    add_reduce(ctx, node, axes, keep_dims);
    return;
  }
  std::vector<int64_t> tflite_axes;
  for (int64_t a : axes) tflite_axes.push_back(kNhwcPositionOf.at(static_cast<size_t>(a)));
  if (!keep_dims) {
    // The kept dims leave NHWC order; their elements must already be in IR order.
    int64_t last = -1;
    for (size_t d = 0; d < 4; ++d) {
      if (std::count(axes.begin(), axes.end(), static_cast<int64_t>(d)) || xs[d] == 1) continue;
      const int64_t position = kNhwcPositionOf[d];
      if (position < last)
        throw InputError(describe(node) + ": with keepdims=0 the kept dims change order between NCHW and NHWC");
      last = position;
    }
  }
  add_reduce(ctx, node, tflite_axes, keep_dims);
}

}  // namespace tinyc::tflite_format
