// Gemm / MatMul with a constant weight -> FULLY_CONNECTED (weights units x K); MatMul of two
// activations -> BATCH_MATMUL (both operands in the IR's element order: rank-4 ones only from plain_rank4_values()). When the input is a
// flattened NHWC activation (Layout::FlatHwc), the weight columns are re-ordered from C, H, W to
// H, W, C, so no Transpose runs before the layer. Per-channel weight scales are written as the IR
// has them (quantized_dimension 0): TFLite Micro computes them only since it gained per-channel
// FULLY_CONNECTED in late 2024; older releases and Arm NN 20.08 need weights with one scale.
#include "formats/tflite/activation.h"
#include "formats/tflite/layout.h"
#include "formats/tflite/lowering.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

bool is_fully_connected_input(const ir::Use& use) {
  const ir::Node& n = *use.node;
  const bool linear = n.op_type == "Gemm" || n.op_type == "MatMul";
  return linear && use.input_index == 0 && n.input(1) && n.input(1)->is_constant();
}

// Weights as units x K with their quantization along the units axis.
ir::Tensor units_by_depth(const ir::Node& node, const ir::Tensor& weights, bool trans_b, const ir::QuantParams& q) {
  if (weights.dtype() != ir::DType::Int8)
    throw InputError(describe(node) + ": weights must be int8, got " + std::string(ir::dtype_name(weights.dtype())));
  if (weights.shape().size() != 2) throw InputError(describe(node) + ": the weight must be a matrix");
  const int64_t units_axis = trans_b ? 0 : 1;
  if (q.per_channel() && q.axis != units_axis)
    throw InputError(describe(node) + ": per-channel weight scales must run along the output units (axis " +
                     std::to_string(units_axis) + "), got axis " + std::to_string(q.axis));
  static constexpr int kSwap[] = {1, 0};
  return trans_b ? weights : transpose(weights, kSwap);
}

}  // namespace

bool read_only_by_fully_connected(const ir::Value* v) {
  if (v->is_graph_output() || v->uses().empty()) return false;
  for (const ir::Use& use : v->uses())
    if (!is_fully_connected_input(use)) return false;
  return true;
}

int32_t bias_tensor(LoweringContext& ctx, const ir::Node& node, const ir::Value* bias, const ir::QuantParams& input_q,
                    const ir::QuantParams& weight_q, int64_t channels) {
  const bool write_scales = ctx.options().full_quant_params || weight_q.scale.size() == 1;
  if (bias) {
    const ir::Tensor& data = constant_of(node, bias, "bias");
    if (data.dtype() != ir::DType::Int32)
      throw InputError(describe(node) + ": the bias must be int32 (quantized), got " +
                       std::string(ir::dtype_name(data.dtype())));
    if (data.num_elements() != channels)
      throw InputError(describe(node) + ": the bias has " + std::to_string(data.num_elements()) + " values for " +
                       std::to_string(channels) + " output channels");
    const ir::QuantParams& q = quant_of(node, bias);
    return ctx.constant(bias->name, reshaped(data, {channels}), write_scales ? std::optional(q) : std::nullopt, 0);
  }
  ir::QuantParams q;
  for (float s : weight_q.scale) {
    q.scale.push_back(input_q.scale.at(0) * s);
    q.zero_point.push_back(0);
  }
  return ctx.constant(node.name + "/bias", ir::Tensor(ir::DType::Int32, {channels}),
                      write_scales ? std::optional(q) : std::nullopt, 0);
}

namespace {

void lower_batch_matmul(const ir::Node& node, LoweringContext& ctx) {
  if (fused_activation(node) != fb::ActivationFunctionType::NONE)
    throw InputError(describe(node) + ": TFLite's BATCH_MATMUL has no fused activation");
  std::vector<int32_t> operands;
  for (const ir::Value* v : {node.input(0), node.input(1)}) {
    const ValueTensor t = ctx.input(v);
    if (t.layout != Layout::Plain)
      throw InputError(describe(node) + ": operand '" + v->name +
                       "' is a 4-D activation that an NHWC op (a Conv, pool or other spatial op) also reads or writes, "
                       "so the file holds it in NHWC order; BATCH_MATMUL needs it in the IR's order");
    operands.push_back(t.index);
  }
  fb::BatchMatMulOptionsT o;
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::BATCH_MATMUL, std::move(operands), {ctx.define(node.output(0))}, std::move(options));
}

}  // namespace

void lower_fully_connected(const ir::Node& node, LoweringContext& ctx) {
  const bool gemm = node.op_type == "Gemm";
  const ir::Value* x = node.input(0);
  const ir::Value* w = node.input(1);
  if (!gemm && w && !w->is_constant()) {
    lower_batch_matmul(node, ctx);
    return;
  }
  const ir::Value* c = gemm ? node.input(2) : nullptr;
  if (gemm && (node.attr_int("transA", 0) != 0 || node.attr_float("alpha", 1.0f) != 1.0f ||
               (c && node.attr_float("beta", 1.0f) != 1.0f)))
    throw InputError(describe(node) + ": TFLite's FULLY_CONNECTED needs transA = 0, alpha = 1 and beta = 1");
  const ir::Shape& xs = shape_of(node, x);
  if (xs.size() < 2 || (gemm && xs.size() != 2))
    throw InputError(describe(node) + ": FULLY_CONNECTED is written for a rank-2 input, got " + ir::shape_to_string(xs));
  const ir::QuantParams& wq = quant_of(node, w);
  const bool trans_b = gemm && node.attr_int("transB", 0) != 0;
  ir::Tensor weights = units_by_depth(node, constant_of(node, w, "weight"), trans_b, wq);
  const ValueTensor input = ctx.input(x);
  if (xs.size() > 2 && input.layout != Layout::Plain)
    throw InputError(describe(node) + ": input '" + x->name +
                     "' is a 4-D activation, which the file holds in NHWC order; FULLY_CONNECTED needs its rows in the IR's order");
  if (input.layout == Layout::FlatHwc) weights = fc_columns_chw_to_hwc(weights, input.chw);
  const int64_t units = weights.shape()[0];
  const int32_t filter = ctx.constant(w->name, weights, wq, 0);
  const int32_t bias = bias_tensor(ctx, node, c, quant_of(node, x), wq, units);
  fb::FullyConnectedOptionsT o;
  o.fused_activation_function = fused_activation(node);
  o.keep_num_dims = xs.size() > 2;  // leading dims are rows: [.., T, K] -> [.., T, units]
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  constexpr int32_t kKeepNumDimsVersion = 5;  // TFLite's op_version.cc
  ctx.add_op(fb::BuiltinOperator::FULLY_CONNECTED, {input.index, filter, bias}, {ctx.define(node.output(0))},
             std::move(options), xs.size() > 2 ? kKeepNumDimsVersion : 0);
}

}  // namespace tinyc::tflite_format
