// Shape rule of the reductions (ReduceMean): axes, keepdims, noop_with_empty_axes.
#include <string>

#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

void infer_reduce(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  // ReduceMean's axes moved from attribute to optional input in opset 18, with noop_with_empty_axes.
  const std::vector<int64_t> axes = ctx.ints_attr_or_input("axes", 1, 18).value_or(std::vector<int64_t>{});
  const bool keep_dims = ctx.node().attr_int("keepdims", 1) != 0;
  const bool noop_when_empty = ctx.opset() >= 18 && ctx.node().attr_int("noop_with_empty_axes", 0) != 0;
  if (axes.empty() && noop_when_empty) {
    ctx.set_output(0, ctx.input_dtype(0), x);
    return;
  }
  std::vector<bool> reduced(x.size(), axes.empty());
  for (int64_t a : ctx.normalize_axes(axes, rank)) reduced[static_cast<size_t>(a)] = true;
  ir::Shape out;
  for (size_t d = 0; d < x.size(); ++d) {
    if (!reduced[d]) out.push_back(x[d]);
    else if (keep_dims) out.push_back(1);
  }
  ctx.set_output(0, ctx.input_dtype(0), out);
}

}  // namespace tinyc::exec::shape
