// Shape rule of LSTM and GRU: Y, Y_h and (LSTM) Y_c from the geometry.
#include "exec/shape/recurrent.h"
#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

void infer_recurrent(ShapeContext& ctx) {
  std::vector<const ir::Shape*> inputs;
  for (size_t i = 0; i < ctx.node().inputs().size(); ++i) inputs.push_back(ctx.has_input(i) ? &ctx.input_shape(i) : nullptr);
  const RecurrentGeometry g = recurrent_geometry(ctx.node(), inputs);
  ctx.require_same_dtype(0, 1);
  ctx.require_same_dtype(0, 2);
  const ir::DType dtype = ctx.input_dtype(0);
  ctx.set_output(0, dtype, g.y_shape());
  for (size_t i = 1; i < ctx.output_count(); ++i) ctx.set_output(i, dtype, g.state_shape());
}

}  // namespace tinyc::exec::shape
