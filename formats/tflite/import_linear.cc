// FULLY_CONNECTED -> Gemm(rows, W, bias){transB = 1} with W as in the file (units x K). TFLite reads
// its input as rows of K elements in the file's order; a flattened NHWC activation (H, W, C order)
// is read in the IR as the Flatten of the NCHW value (C, H, W order) with W's columns permuted from
// H, W, C to C, H, W, so no Transpose runs (when H = W = 1 or C = 1 both orders agree).
#include <array>

#include "formats/tflite/import_ops.h"
#include "formats/tflite/layout.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

// Weight columns in H, W, C order -> C, H, W order.
ir::Tensor columns_hwc_to_chw(const ir::Tensor& weights, std::array<int64_t, 3> chw) {
  const int64_t units = weights.shape()[0];
  const ir::Tensor hwc = reshaped(weights, {units, chw[1], chw[2], chw[0]});
  return reshaped(transpose(hwc, std::array<int, 4>{0, 3, 1, 2}), weights.shape());
}

// The input as [batch, K] rows whose element order the weight columns (permuted when `chw` is set)
// expect.
ir::Value* input_rows(ImportContext& ctx, int32_t input, int64_t batch, int64_t depth,
                      std::optional<std::array<int64_t, 3>>& chw) {
  ir::Value* x = ctx.value(input);
  const ir::Shape& xs = ctx.tensor(input).shape;
  const std::string base = ctx.tensor(input).name + "/rows";
  if ((chw = ctx.flat_chw(input))) return x;
  if (xs == ir::Shape{batch, depth}) return x;
  if (xs.size() == 4 && !layouts_share_order(*x->shape)) {
    if (xs[0] == batch) {  // one row per image: flatten NCHW and permute the columns
      chw = std::array<int64_t, 3>{xs[3], xs[1], xs[2]};
      return ctx.flatten(x, base);
    }
    return ctx.reshape(ctx.in_file_order(x, xs), {batch, depth}, base);
  }
  return ctx.reshape(x, {batch, depth}, base);
}

}  // namespace

void import_fully_connected(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t filter = required_input(op, ctx, 1, "weights");
  const int32_t output = single_output(op, ctx);
  check_weight_type(op, ctx, input, filter);
  const ir::Shape& ws = ctx.tensor(filter).shape;
  if (ws.size() != 2) throw InputError(ctx.describe(op) + ": the weights must be a matrix, got " + ir::shape_to_string(ws));
  if (!ctx.has_data(filter))
    throw InputError(ctx.describe(op) + ": the weights are computed at run time; tinyc needs constant weights");
  int8_t activation = 0;
  bool keep_num_dims = false;
  if (const fb::FullyConnectedOptions* o = op.op->builtin_options_as_FullyConnectedOptions()) {
    if (o->weights_format() != fb::FullyConnectedOptionsWeightsFormat::DEFAULT)
      throw InputError(ctx.describe(op) + ": shuffled weights have no IR form; convert the model with the default format");
    activation = static_cast<int8_t>(o->fused_activation_function());
    keep_num_dims = o->keep_num_dims();
  }
  const int64_t units = ws[0];
  const int64_t depth = ws[1];
  const ir::Shape& xs = ctx.tensor(input).shape;
  const int64_t count = ir::num_elements(xs);
  if (depth < 1 || xs.empty() || count % depth != 0)
    throw InputError(ctx.describe(op) + ": input " + ir::shape_to_string(xs) + " does not split into rows of " +
                     std::to_string(depth));
  const int64_t batch = count / depth;
  ir::Shape expected{batch, units};
  if (keep_num_dims) {
    expected.assign(xs.begin(), xs.end() - 1);
    expected.push_back(units);
  }
  if (ctx.tensor(output).shape != expected)
    throw InputError(ctx.describe(op) + ": the output shape " + ir::shape_to_string(ctx.tensor(output).shape) +
                     " is not the " + ir::shape_to_string(expected) + " TFLite computes");

  std::optional<std::array<int64_t, 3>> chw;
  ir::Value* rows = input_rows(ctx, input, batch, depth, chw);
  ir::Tensor weights = ctx.file_data(filter);
  std::string key = "fc:" + std::to_string(filter);
  if (chw) {
    weights = columns_hwc_to_chw(weights, *chw);
    key += ":chw:" + std::to_string((*chw)[0]) + "x" + std::to_string((*chw)[1]) + "x" + std::to_string((*chw)[2]);
  }
  std::optional<ir::QuantParams> wq = ctx.tensor(filter).quant;
  if (wq && wq->per_channel() && wq->axis != 0)
    throw InputError(ctx.describe(op) + ": per-channel weight scales must run along the output units (dimension 0)");
  ir::Value* w = ctx.constant(key, ctx.tensor(filter).name, std::move(weights), wq);
  std::vector<ir::Value*> inputs{rows, w};
  if (ir::Value* bias = bias_value(op, ctx, input, filter, units)) inputs.push_back(bias);

  ir::Node* n = nullptr;
  if (expected == ir::Shape{batch, units}) {
    n = ctx.define("Gemm", inputs, output);
  } else {  // keep_num_dims with a rank above 2: the rows go back to the file's shape
    n = ctx.intermediate("Gemm", inputs, ctx.tensor(output).name + "/rows", ctx.dtype(output), {batch, units},
                         ctx.ir_quant(output));
  }
  n->attrs["transB"] = int64_t{1};
  set_fused_activation(n, activation, op, ctx);
  if (!ctx.is_bound(output)) ctx.define_from_file_order(n->output(0), output);
}

// BATCH_MATMUL of operands of rank 2 to 5 -> MatMul; adj_x / adj_y become a Transpose of the
// operand's last two dims. The file multiplies in its own element order, which for rank 4 is not
// the IR's NCHW view of the tensors (multi-head attention's [N, heads, T, d]): those operands and the
// product go through in_file_order / define_from_file_order.
void import_batch_matmul(const FileOp& op, ImportContext& ctx) {
  const int32_t output = single_output(op, ctx);
  const fb::BatchMatMulOptions* o = op.op->builtin_options_as_BatchMatMulOptions();
  std::vector<ir::Value*> operands;
  for (size_t slot : {size_t{0}, size_t{1}}) {
    const int32_t t = required_input(op, ctx, slot, slot == 0 ? "left operand" : "right operand");
    const ir::Shape& shape = ctx.tensor(t).shape;
    if (shape.size() < 2 || shape.size() > 5)
      throw InputError(ctx.describe(op) + ": operands of rank " + std::to_string(shape.size()) +
                       " are not supported (ranks 2 to 5 are)");
    ir::Value* v = ctx.in_file_order(ctx.value(t), shape);
    const bool adjoint = o && (slot == 0 ? o->adj_x() : o->adj_y());
    if (adjoint) {
      std::vector<int64_t> perm(shape.size());
      for (size_t d = 0; d < perm.size(); ++d) perm[d] = static_cast<int64_t>(d);
      std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
      v = ctx.transpose(v, perm, ctx.tensor(t).name + "/adjoint");
    }
    operands.push_back(v);
  }
  const FileTensor& out = ctx.tensor(output);
  if (out.shape.size() != 4) {
    ctx.define("MatMul", operands, output);
    return;
  }
  ir::Node* product = ctx.intermediate("MatMul", operands, out.name + "/file_order", ctx.dtype(output), out.shape,
                                       ctx.ir_quant(output));
  ctx.define_from_file_order(product->output(0), output);
}

}  // namespace tinyc::tflite_format
