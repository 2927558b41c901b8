// GlobalAveragePool / GlobalMaxPool -> MEAN / REDUCE_MAX over NHWC axes [1, 2] with keep_dims;
// ReduceMean / ReduceMax -> MEAN / REDUCE_MAX over their axes moved to their NHWC positions; without
// kept dims, where the dims left would be in NHWC order instead of the IR's, the reduction keeps its
// dims and a TRANSPOSE and a RESHAPE put the rest in IR order.
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

void add_reduce(LoweringContext& ctx, const ir::Node& node, std::vector<int64_t> axes, bool keep_dims, int32_t output) {
  std::sort(axes.begin(), axes.end());
  const int32_t input = ctx.input(node.input(0)).index;
  const int32_t axes_tensor = ctx.int32_constant(node.name + "/axes", axes);
  fb::ReducerOptionsT o;
  o.keep_dims = keep_dims;
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(reducer_of(node), {input, axes_tensor}, {output}, std::move(options));
}

// True when the dims an NCHW reduction without kept dims leaves (ignoring 1s) sit in another order in NHWC.
bool kept_dims_reorder(const ir::Shape& xs, const std::vector<int64_t>& axes) {
  int64_t last = -1;
  for (size_t d = 0; d < 4; ++d) {
    if (std::count(axes.begin(), axes.end(), static_cast<int64_t>(d)) || xs[d] == 1) continue;
    const int64_t position = kNhwcPositionOf[d];
    if (position < last) return true;
    last = position;
  }
  return false;
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
  add_reduce(ctx, node, {1, 2}, /*keep_dims=*/true, ctx.define(node.output(0)));
}

void lower_reduce(const ir::Node& node, LoweringContext& ctx) {
  const ir::Shape& xs = shape_of(node, node.input(0));
  const std::vector<int64_t> axes = reduce_axes(node, ctx, xs.size());
  if (axes.empty()) {
    ctx.alias(node.output(0), node.input(0));
    return;
  }
  const bool keep_dims = node.attr_int("keepdims", 1) != 0;
  const ir::Value* y = node.output(0);
  if (xs.size() != 4) {
    add_reduce(ctx, node, axes, keep_dims, ctx.define(y));
    return;
  }
  std::vector<int64_t> tflite_axes;
  for (int64_t a : axes) tflite_axes.push_back(kNhwcPositionOf.at(static_cast<size_t>(a)));
  if (keep_dims || !kept_dims_reorder(xs, axes)) {
    add_reduce(ctx, node, tflite_axes, keep_dims, ctx.define(y));
    return;
  }
  ir::Shape kept = xs;
  for (int64_t a : axes) kept[static_cast<size_t>(a)] = 1;
  const int32_t reduced = ctx.intermediate(node.name + "/kept", y->dtype, nhwc_shape(kept), y->quant);
  add_reduce(ctx, node, tflite_axes, /*keep_dims=*/true, reduced);
  const int32_t nchw = ctx.intermediate(node.name + "/nchw", y->dtype, kept, y->quant);
  add_transpose(ctx, node, reduced, nchw, {kNchwFromNhwc.begin(), kNchwFromNhwc.end()});
  add_reshape(ctx, node, nchw, ctx.define(y), shape_of(node, y));
}

}  // namespace tinyc::tflite_format
