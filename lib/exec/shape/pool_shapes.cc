// Shape rules of MaxPool, AveragePool and the global pools.
#include <string>

#include "exec/shape/rules.h"
#include "exec/shape/window.h"

namespace tinyc::exec::shape {

void infer_pool(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  if (x.size() < 3) ctx.fail("input must be N x C x D1 [x D2 ...], got " + ir::shape_to_string(x));
  if (!ctx.node().has_attr("kernel_shape")) ctx.fail("the kernel_shape attribute is required");
  const std::vector<int64_t> kernel = ctx.node().attr_ints("kernel_shape", {});
  const bool ceil_mode = ctx.node().attr_int("ceil_mode", 0) != 0;
  const WindowGeometry geo = resolve_window(ctx.node(), {x.begin() + 2, x.end()}, kernel, ceil_mode);
  ir::Shape out{x[0], x[1]};
  out.insert(out.end(), geo.output.begin(), geo.output.end());
  ctx.set_output(0, ctx.input_dtype(0), out);
  ctx.set_output(1, ir::DType::Int64, out);  // MaxPool's optional Indices
}

void infer_global_pool(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  if (x.size() < 2) ctx.fail("input must be N x C [x D1 ...], got " + ir::shape_to_string(x));
  ir::Shape out(x.size(), 1);
  out[0] = x[0];
  out[1] = x[1];
  ctx.set_output(0, ctx.input_dtype(0), out);
}

}  // namespace tinyc::exec::shape
