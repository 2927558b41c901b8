// Elementwise ops: Add / Sub / Mul -> ADD / SUB / MUL, Softmax / LogSoftmax -> SOFTMAX / LOG_SOFTMAX
// (between TRANSPOSEs for an axis that is not the last file dim), Sigmoid / Tanh / HardSwish ->
// LOGISTIC / TANH / HARD_SWISH,
// Pow(x, -0.5) -> RSQRT, LeakyRelu -> LEAKY_RELU, PRelu -> PRELU (its slope laid out as ADD's operands), Relu / Clip ->
// RELU / RELU6 (or nothing when the clamp cannot change an int8 value), QuantizeLinear /
// DequantizeLinear -> QUANTIZE / DEQUANTIZE.
#include "exec/int8_reference/int8_rsqrt.h"
#include "formats/tflite/activation.h"
#include "formats/tflite/layout.h"
#include "formats/tflite/lowering.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

// An ADD/MUL/PRELU operand laid out like the output: constants that broadcast against an NHWC output are
// padded to rank 4 and permuted; a non-constant operand must already have the output's layout.
int32_t binary_operand(LoweringContext& ctx, const ir::Node& node, const ir::Value* v, size_t out_rank) {
  const ir::Shape& shape = shape_of(node, v);
  if (v->is_constant() && out_rank == 4 && shape.size() < 4) {
    if (v->quant && v->quant->per_channel())
      throw InputError(describe(node) + ": constant operand '" + v->name + "' must be quantized per tensor");
    return ctx.constant(v->name, constant_to_nhwc(v->constant()), v->quant, 0);
  }
  const ValueTensor operand = ctx.input(v);
  if (operand.layout == Layout::FlatHwc || (out_rank == 4) != (shape.size() == 4))
    throw InputError(describe(node) + ": operand '" + v->name + "' (rank " + std::to_string(shape.size()) +
                     ") broadcasts against an NHWC activation, which has no TFLite form without a Transpose");
  return operand.index;
}

// MUL's version is 3 when the rescale s1 * s2 / s_out is at least 1 (TFLite's op_version.cc).
int32_t mul_version(const ir::Node& node) {
  const double rescale = static_cast<double>(quant_of(node, node.input(0)).scale.at(0)) *
                         quant_of(node, node.input(1)).scale.at(0) / quant_of(node, node.output(0)).scale.at(0);
  return rescale >= 1.0 ? 3 : op_version(fb::BuiltinOperator::MUL);
}

// A Clip bound: a float constant, an int8 constant with its own parameters, or a Clip attribute
// (opset < 11); absent = open.
float clip_bound(const ir::Node& node, size_t input, const char* attr, float open) {
  if (const ir::Value* v = node.input(input)) {
    const ir::Tensor& t = constant_of(node, v, attr);
    if (t.num_elements() != 1) throw InputError(describe(node) + ": the " + attr + " bound must be a scalar");
    const double raw = t.to_double().front();
    if (is_float(t.dtype())) return static_cast<float>(raw);
    const ir::QuantParams& q = v->quant ? *v->quant : quant_of(node, node.output(0));
    return static_cast<float>(q.scale.at(0) * (raw - static_cast<double>(q.zero_point.at(0))));
  }
  return node.attr_float(attr, open);
}

// Options of type O (ADD's, SUB's or MUL's) carrying the node's fused activation.
template <class O>
fb::BuiltinOptionsUnion with_fused_activation(const ir::Node& node) {
  O o;
  o.fused_activation_function = fused_activation(node);
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  return options;
}

}  // namespace

void lower_add_mul(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* y = node.output(0);
  const size_t out_rank = shape_of(node, y).size();
  const int32_t a = binary_operand(ctx, node, node.input(0), out_rank);
  const int32_t b = binary_operand(ctx, node, node.input(1), out_rank);
  if (node.op_type == "Add")
    ctx.add_op(fb::BuiltinOperator::ADD, {a, b}, {ctx.define(y)}, with_fused_activation<fb::AddOptionsT>(node));
  else if (node.op_type == "Sub")
    ctx.add_op(fb::BuiltinOperator::SUB, {a, b}, {ctx.define(y)}, with_fused_activation<fb::SubOptionsT>(node));
  else
    ctx.add_op(fb::BuiltinOperator::MUL, {a, b}, {ctx.define(y)}, with_fused_activation<fb::MulOptionsT>(node),
               mul_version(node));
}

// SOFTMAX normalizes the last dim of its tensor; another axis is moved there by a TRANSPOSE and back.
void lower_softmax(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* x = node.input(0);
  const ir::Shape& xs = shape_of(node, x);
  const auto rank = static_cast<int64_t>(xs.size());
  const int64_t axis = axis_attribute(node, ctx.opset() >= 13 ? -1 : 1, xs.size());
  const ValueTensor input = ctx.input(x);
  // Before opset 13 Softmax normalizes over all dims from `axis` on; TFLite over one dim.
  for (int64_t d = axis + 1; ctx.opset() < 13 && d < rank; ++d)
    if (xs[static_cast<size_t>(d)] != 1)
      throw InputError(describe(node) + ": softmax over dims " + std::to_string(axis) + ".. has no TFLite form");
  const int64_t position = file_dim(input.layout, axis);
  const ir::Shape tflite = ctx.tflite_shape(input.index);
  bool last = true;
  for (size_t d = static_cast<size_t>(position) + 1; d < tflite.size(); ++d) last = last && tflite[d] == 1;
  const bool log = node.op_type == "LogSoftmax";
  const fb::BuiltinOperator code = log ? fb::BuiltinOperator::LOG_SOFTMAX : fb::BuiltinOperator::SOFTMAX;
  fb::BuiltinOptionsUnion options;  // LOG_SOFTMAX has none
  if (!log) {
    fb::SoftmaxOptionsT o;
    o.beta = 1.0f;
    options.Set(std::move(o));
  }
  const int32_t output = ctx.define(node.output(0));
  if (last) {
    ctx.add_op(code, {input.index}, {output}, std::move(options));
    return;
  }
  std::vector<int64_t> perm, inverse(tflite.size());
  ir::Shape moved;
  for (size_t d = 0; d < tflite.size(); ++d)
    if (static_cast<int64_t>(d) != position) perm.push_back(static_cast<int64_t>(d));
  perm.push_back(position);
  for (size_t k = 0; k < perm.size(); ++k) {
    inverse[static_cast<size_t>(perm[k])] = static_cast<int64_t>(k);
    moved.push_back(tflite[static_cast<size_t>(perm[k])]);
  }
  const int32_t rows = ctx.intermediate(node.name + "/rows", x->dtype, moved, x->quant);
  const int32_t normalized = ctx.intermediate(node.name + "/normalized", node.output(0)->dtype, moved, node.output(0)->quant);
  add_transpose(ctx, node, input.index, rows, perm);
  ctx.add_op(code, {rows}, {normalized}, std::move(options));
  add_transpose(ctx, node, normalized, output, inverse);
}

void lower_logistic_tanh(const ir::Node& node, LoweringContext& ctx) {
  const int32_t input = ctx.input(node.input(0)).index;
  const fb::BuiltinOperator op = node.op_type == "Sigmoid" ? fb::BuiltinOperator::LOGISTIC
                                 : node.op_type == "Tanh"  ? fb::BuiltinOperator::TANH
                                                           : fb::BuiltinOperator::HARD_SWISH;
  ctx.add_op(op, {input}, {ctx.define(node.output(0))});
}

void lower_rsqrt(const ir::Node& node, LoweringContext& ctx) {
  if (!exec::int8_reference::is_inverse_sqrt_exponent(node.input(1)))
    throw InputError(describe(node) + ": only Pow(x, -0.5) has a TFLite op (RSQRT)");
  ctx.add_op(fb::BuiltinOperator::RSQRT, {ctx.input(node.input(0)).index}, {ctx.define(node.output(0))});
}

void lower_leaky_relu(const ir::Node& node, LoweringContext& ctx) {
  fb::LeakyReluOptionsT o;
  o.alpha = node.attr_float("alpha", 0.01f);
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::LEAKY_RELU, {ctx.input(node.input(0)).index}, {ctx.define(node.output(0))},
             std::move(options));
}

void lower_prelu(const ir::Node& node, LoweringContext& ctx) {
  const size_t out_rank = shape_of(node, node.output(0)).size();
  ctx.add_op(fb::BuiltinOperator::PRELU,
             {binary_operand(ctx, node, node.input(0), out_rank), binary_operand(ctx, node, node.input(1), out_rank)},
             {ctx.define(node.output(0))});
}

void lower_clamp(const ir::Node& node, LoweringContext& ctx) {
  ClampBounds bounds;
  if (node.op_type == "Relu") {
    bounds.min = 0.0f;
  } else {
    bounds.min = clip_bound(node, 1, "min", bounds.min);
    bounds.max = clip_bound(node, 2, "max", bounds.max);
  }
  const ir::QuantParams& params = quant_of(node, node.output(0));
  if (clamp_is_noop(bounds, params)) {
    ctx.alias(node.output(0), node.input(0));
    return;
  }
  const auto activation = matching_activation(bounds, params);
  if (activation != fb::ActivationFunctionType::RELU && activation != fb::ActivationFunctionType::RELU6)
    throw InputError(describe(node) + ": the clamp [" + std::to_string(bounds.min) + ", " + std::to_string(bounds.max) +
                     "] is neither RELU nor RELU6 at its int8 parameters; TFLite Micro has no other int8 clamp op");
  const int32_t input = ctx.input(node.input(0)).index;
  ctx.add_op(*activation == fb::ActivationFunctionType::RELU ? fb::BuiltinOperator::RELU : fb::BuiltinOperator::RELU6,
             {input}, {ctx.define(node.output(0))});
}

void lower_quantize_dequantize(const ir::Node& node, LoweringContext& ctx) {
  const int32_t input = ctx.input(node.input(0)).index;
  fb::BuiltinOptionsUnion options;
  const bool quantize = node.op_type == "QuantizeLinear";
  if (quantize)
    options.Set(fb::QuantizeOptionsT{});
  else
    options.Set(fb::DequantizeOptionsT{});
  ctx.add_op(quantize ? fb::BuiltinOperator::QUANTIZE : fb::BuiltinOperator::DEQUANTIZE, {input},
             {ctx.define(node.output(0))}, std::move(options));
}

}  // namespace tinyc::tflite_format
