// Elementwise ops: ADD / MUL -> Add / Mul (operands of lower rank broadcast against NHWC as in TFLite),
// SOFTMAX / LOG_SOFTMAX -> Softmax / LogSoftmax over the file's last dim, LOGISTIC / TANH / HARD_SWISH -> Sigmoid / Tanh /
// HardSwish, RSQRT -> Pow(x, -0.5), LEAKY_RELU ->
// LeakyRelu, PRELU -> PRelu (its alpha broadcast as ADD's operands are), RELU / RELU6 /
// RELU_N1_TO_1 -> Relu / Clip, QUANTIZE -> QuantizeLinear (float -> int8) or an int8 requantization,
// DEQUANTIZE -> DequantizeLinear.
#include "formats/tflite/import_ops.h"
#include "formats/tflite/layout.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

// A binary operand of rank below an NHWC output's: TFLite aligns its dims with the output's last
// ones (C for a vector), so it is first given leading 1s in the file's order, then laid out NCHW.
ir::Value* binary_operand(const FileOp& op, ImportContext& ctx, int32_t t, size_t out_rank) {
  const ir::Shape& fs = ctx.tensor(t).shape;
  if (out_rank != 4 || fs.size() >= 4) return ctx.value(t);
  ir::Shape four(4 - fs.size(), 1);
  four.insert(four.end(), fs.begin(), fs.end());
  if (ctx.has_data(t)) {
    const auto& q = ctx.tensor(t).quant;
    if (q && q->per_channel())
      throw InputError(ctx.describe(op) + ": constant operand '" + ctx.tensor(t).name + "' must be quantized per tensor");
    ir::Tensor data = transpose(reshaped(ctx.file_data(t), four), kNchwFromNhwc);
    return ctx.constant("operand4:" + std::to_string(t), ctx.tensor(t).name, std::move(data), q);
  }
  ir::Value* v = ctx.value(t);
  return ctx.from_file_order(ctx.reshape(v, four, v->name + "/rank4"), four);
}

bool is_int8(const ImportContext& ctx, int32_t t) { return ctx.dtype(t) == ir::DType::Int8; }

std::string type_pair(const ImportContext& ctx, int32_t in, int32_t out) {
  return tensor_type_name(ctx.tensor(in).type) + " -> " + tensor_type_name(ctx.tensor(out).type);
}

// True when only CONCATENATION ops read t, each with output parameters equal to t's.
bool read_only_by_matching_concatenations(const ImportContext& ctx, int32_t t) {
  if (ctx.is_model_output(t) || ctx.readers(t).empty()) return false;
  for (const auto& [index, slot] : ctx.readers(t)) {
    const FileOp& reader = ctx.op(index);
    if (reader.code != static_cast<int32_t>(fb::BuiltinOperator::CONCATENATION) || reader.outputs.size() != 1 ||
        reader.outputs[0] < 0 || ctx.tensor(reader.outputs[0]).quant != ctx.tensor(t).quant)
      return false;
  }
  return true;
}

}  // namespace

void import_add_mul(const FileOp& op, ImportContext& ctx) {
  const bool add = op.code == static_cast<int32_t>(fb::BuiltinOperator::ADD);
  const bool sub = op.code == static_cast<int32_t>(fb::BuiltinOperator::SUB);
  const int32_t a = required_input(op, ctx, 0, "first operand");
  const int32_t b = required_input(op, ctx, 1, "second operand");
  const int32_t output = single_output(op, ctx);
  const size_t rank = ctx.tensor(output).shape.size();
  int8_t activation = 0;
  if (add) {
    if (const fb::AddOptions* o = op.op->builtin_options_as_AddOptions())
      activation = static_cast<int8_t>(o->fused_activation_function());
  } else if (sub) {
    if (const fb::SubOptions* o = op.op->builtin_options_as_SubOptions())
      activation = static_cast<int8_t>(o->fused_activation_function());
  } else if (const fb::MulOptions* o = op.op->builtin_options_as_MulOptions()) {
    activation = static_cast<int8_t>(o->fused_activation_function());
  }
  ir::Value* x = binary_operand(op, ctx, a, rank);
  ir::Value* y = binary_operand(op, ctx, b, rank);
  set_fused_activation(ctx.define(add ? "Add" : sub ? "Sub" : "Mul", {x, y}, output), activation, op, ctx);
}

void import_prelu(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t slope = required_input(op, ctx, 1, "alpha");
  const int32_t output = single_output(op, ctx);
  const size_t rank = ctx.tensor(output).shape.size();
  ctx.define("PRelu", {binary_operand(op, ctx, input, rank), binary_operand(op, ctx, slope, rank)}, output);
}

void import_softmax(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const bool log = op.code == static_cast<int32_t>(fb::BuiltinOperator::LOG_SOFTMAX);
  if (!log) {
    const fb::SoftmaxOptions* o = op.op->builtin_options_as_SoftmaxOptions();
    const float beta = o ? o->beta() : 0.0f;
    if (beta != 1.0f)
      throw InputError(ctx.describe(op) + ": beta " + std::to_string(beta) +
                       "; tinyc's Softmax computes beta = 1 only (TFLite Micro folds beta into its int8 multiplier)");
  }
  // TFLite normalizes over the last file dim: C (IR axis 1) of an NHWC tensor.
  const int64_t axis = ctx.tensor(input).shape.size() == 4 ? 1 : -1;
  ctx.define(log ? "LogSoftmax" : "Softmax", {ctx.value(input)}, output)->attrs["axis"] = axis;
}

void import_logistic_tanh(const FileOp& op, ImportContext& ctx) {
  using Op = fb::BuiltinOperator;
  const char* type = op.code == static_cast<int32_t>(Op::LOGISTIC) ? "Sigmoid"
                     : op.code == static_cast<int32_t>(Op::TANH)   ? "Tanh"
                                                                   : "HardSwish";
  const int32_t input = required_input(op, ctx, 0, "input");
  ctx.define(type, {ctx.value(input)}, single_output(op, ctx));
}

void import_rsqrt(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  ctx.define("Pow", {ctx.value(input), ctx.float_scalar("inverse_sqrt_exponent", -0.5f)}, single_output(op, ctx));
}

void import_leaky_relu(const FileOp& op, ImportContext& ctx) {
  const fb::LeakyReluOptions* o = op.op->builtin_options_as_LeakyReluOptions();
  if (!o) throw InputError(ctx.describe(op) + ": the options (alpha) are missing");
  const int32_t input = required_input(op, ctx, 0, "input");
  ctx.define("LeakyRelu", {ctx.value(input)}, single_output(op, ctx))->attrs["alpha"] = o->alpha();
}

void import_clamp(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  // TFLite Micro requantizes by s_in / s_out here; tinyc's int8 Relu and Clip keep the input's
  // parameters, which is the same computation exactly when the parameters are equal.
  if (is_int8(ctx, input)) require_same_quant(op, ctx, input, output);
  ir::Value* x = ctx.value(input);
  const std::string& name = ctx.tensor(output).name;
  switch (static_cast<fb::BuiltinOperator>(op.code)) {
    case fb::BuiltinOperator::RELU: ctx.define("Relu", {x}, output); return;
    case fb::BuiltinOperator::RELU6:
      ctx.define("Clip", {x, ctx.float_scalar(name + "_min", 0.0f), ctx.float_scalar(name + "_max", 6.0f)}, output);
      return;
    default:
      ctx.define("Clip", {x, ctx.float_scalar(name + "_min", -1.0f), ctx.float_scalar(name + "_max", 1.0f)}, output);
  }
}

void import_quantize(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const ir::DType from = ctx.dtype(input);
  const ir::DType to = ctx.dtype(output);
  const auto& out_q = ctx.tensor(output).quant;
  if (to != ir::DType::Int8 || (from != ir::DType::Float32 && from != ir::DType::Int8))
    throw InputError(ctx.describe(op) + ": " + type_pair(ctx, input, output) +
                     " has no IR form; tinyc quantizes float32 -> int8 and requantizes int8 -> int8");
  if (!out_q || out_q->per_channel())
    throw InputError(ctx.describe(op) + ": the output must be quantized per tensor");
  ir::Value* x = ctx.value(input);
  if (from == ir::DType::Float32) {
    ctx.define("QuantizeLinear", {x}, output);
    return;
  }
  // int8 -> int8. tinyc's int8 Concat requantizes each input whose parameters differ from its
  // output's exactly as this QUANTIZE does, so a QUANTIZE feeding concatenations with its parameters
  // is folded into them (the pair the emitter writes for a Concat), and any other becomes a Concat of
  // one input.
  if (read_only_by_matching_concatenations(ctx, output)) {
    ctx.bind(output, x);
    return;
  }
  ctx.define("Concat", {x}, output)->attrs["axis"] = int64_t{0};
}

void import_dequantize(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  if (ctx.dtype(input) != ir::DType::Int8 || ctx.dtype(output) != ir::DType::Float32)
    throw InputError(ctx.describe(op) + ": " + type_pair(ctx, input, output) +
                     " has no IR form; tinyc dequantizes int8 -> float32");
  const auto& q = ctx.tensor(input).quant;
  if (!q || q->per_channel()) throw InputError(ctx.describe(op) + ": the input must be quantized per tensor");
  ctx.define("DequantizeLinear", {ctx.value(input)}, output);
}

}  // namespace tinyc::tflite_format
