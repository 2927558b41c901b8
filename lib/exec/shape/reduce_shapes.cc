// Shape rule of the reductions (ReduceMean, ReduceSum, ReduceMax, ...): axes, keepdims, noop_with_empty_axes.
#include "exec/shape/reduction.h"
#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

void infer_reduce(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const std::vector<int64_t> axes =
      ctx.ints_attr_or_input("axes", 1, reduce_axes_input_since(ctx.node())).value_or(std::vector<int64_t>{});
  const std::vector<bool> reduced = reduced_axes(ctx.node(), ctx.opset(), ctx.input_rank(0), axes);
  const bool keep_dims = ctx.node().attr_int("keepdims", 1) != 0;
  ir::Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!reduced[d]) out.push_back(x[d]);
    else if (keep_dims) out.push_back(1);
  }
  ctx.set_output(0, ctx.input_dtype(0), out);
}

}  // namespace tinyc::exec::shape
