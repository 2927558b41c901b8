// The one list of TFLite builtin ops the importer takes, and the checks the per-op importers share.
#include <limits>
#include <map>

#include "formats/tflite/import_ops.h"
#include "formats/tflite/layout.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

using Op = fb::BuiltinOperator;

const std::map<int32_t, ImportFn>& importers() {
  static const std::map<int32_t, ImportFn> table = {
      {static_cast<int32_t>(Op::ADD), import_add_mul},
      {static_cast<int32_t>(Op::AVERAGE_POOL_2D), import_pool},
      {static_cast<int32_t>(Op::BATCH_MATMUL), import_batch_matmul},
      {static_cast<int32_t>(Op::CONCATENATION), import_concatenation},
      {static_cast<int32_t>(Op::CONV_2D), import_conv},
      {static_cast<int32_t>(Op::DEPTHWISE_CONV_2D), import_conv},
      {static_cast<int32_t>(Op::DEQUANTIZE), import_dequantize},
      {static_cast<int32_t>(Op::FULLY_CONNECTED), import_fully_connected},
      {static_cast<int32_t>(Op::GATHER), import_gather},
      {static_cast<int32_t>(Op::HARD_SWISH), import_logistic_tanh},
      {static_cast<int32_t>(Op::LEAKY_RELU), import_leaky_relu},
      {static_cast<int32_t>(Op::LOG_SOFTMAX), import_softmax},
      {static_cast<int32_t>(Op::LOGISTIC), import_logistic_tanh},
      {static_cast<int32_t>(Op::MAX_POOL_2D), import_pool},
      {static_cast<int32_t>(Op::MEAN), import_reduce},
      {static_cast<int32_t>(Op::MIRROR_PAD), import_pad},
      {static_cast<int32_t>(Op::MUL), import_add_mul},
      {static_cast<int32_t>(Op::PAD), import_pad},
      {static_cast<int32_t>(Op::PRELU), import_prelu},
      {static_cast<int32_t>(Op::QUANTIZE), import_quantize},
      {static_cast<int32_t>(Op::REDUCE_MAX), import_reduce},
      {static_cast<int32_t>(Op::RELU), import_clamp},
      {static_cast<int32_t>(Op::RELU6), import_clamp},
      {static_cast<int32_t>(Op::RELU_N1_TO_1), import_clamp},
      {static_cast<int32_t>(Op::RESHAPE), import_reshape},
      {static_cast<int32_t>(Op::RESIZE_BILINEAR), import_resize},
      {static_cast<int32_t>(Op::RESIZE_NEAREST_NEIGHBOR), import_resize},
      {static_cast<int32_t>(Op::RSQRT), import_rsqrt},
      {static_cast<int32_t>(Op::SOFTMAX), import_softmax},
      {static_cast<int32_t>(Op::SPLIT), import_split},
      {static_cast<int32_t>(Op::SPLIT_V), import_split},
      {static_cast<int32_t>(Op::STRIDED_SLICE), import_strided_slice},
      {static_cast<int32_t>(Op::SUB), import_add_mul},
      {static_cast<int32_t>(Op::TANH), import_logistic_tanh},
      {static_cast<int32_t>(Op::TRANSPOSE), import_transpose},
      {static_cast<int32_t>(Op::UNIDIRECTIONAL_SEQUENCE_LSTM), import_lstm},
  };
  return table;
}

std::string quant_text(const std::optional<ir::QuantParams>& q) {
  if (!q) return "none";
  std::string text = "scale " + std::to_string(q->scale.at(0)) + ", zero point " + std::to_string(q->zero_point.at(0));
  return q->per_channel() ? text + " (per channel)" : text;
}

}  // namespace

ImportFn find_importer(int32_t code) {
  auto it = importers().find(code);
  return it == importers().end() ? nullptr : it->second;
}

std::vector<int32_t> imported_codes() {
  std::vector<int32_t> codes;
  for (const auto& [code, fn] : importers()) codes.push_back(code);
  return codes;
}

int32_t required_input(const FileOp& op, const ImportContext& ctx, size_t slot, const std::string& role) {
  if (slot >= op.inputs.size() || op.inputs[slot] < 0)
    throw InputError(ctx.describe(op) + ": the " + role + " (input " + std::to_string(slot) + ") is missing");
  return op.inputs[slot];
}

int32_t single_output(const FileOp& op, const ImportContext& ctx) {
  if (op.outputs.size() != 1 || op.outputs[0] < 0)
    throw InputError(ctx.describe(op) + ": expected one output, got " + std::to_string(op.outputs.size()));
  return op.outputs[0];
}

void set_fused_activation(ir::Node* n, int8_t activation, const FileOp& op, const ImportContext& ctx) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  auto set = [&](const char* name, float min, float max) {
    n->attrs["fused_activation"] = std::string(name);
    n->attrs["activation_min"] = min;
    n->attrs["activation_max"] = max;
  };
  switch (static_cast<fb::ActivationFunctionType>(activation)) {
    case fb::ActivationFunctionType::NONE: return;
    case fb::ActivationFunctionType::RELU: return set("Relu", 0.0f, kInf);
    case fb::ActivationFunctionType::RELU6: return set("Relu6", 0.0f, 6.0f);
    case fb::ActivationFunctionType::RELU_N1_TO_1: return set("Clip", -1.0f, 1.0f);
    default:
      throw InputError(ctx.describe(op) + ": fused activation " + std::to_string(activation) +
                       " (TANH, SIGN_BIT or unknown) has no int8 form; tinyc fuses RELU, RELU6 and RELU_N1_TO_1");
  }
}

void require_same_quant(const FileOp& op, const ImportContext& ctx, int32_t a, int32_t b) {
  const auto& qa = ctx.tensor(a).quant;
  const auto& qb = ctx.tensor(b).quant;
  for (int32_t t : {a, b})
    if (!ctx.tensor(t).quant) throw InputError("int8 tensor '" + ctx.tensor(t).name + "' has no quantization parameters");
  if (qa == qb) return;
  throw InputError(ctx.describe(op) + ": input '" + ctx.tensor(a).name + "' (" + quant_text(qa) + ") and output '" +
                   ctx.tensor(b).name + "' (" + quant_text(qb) +
                   ") have different quantization; TFLite Micro moves the int8 bytes unchanged here, which tinyc's "
                   "int8 kernels express only with equal parameters");
}

std::vector<int64_t> constant_ints(const FileOp& op, const ImportContext& ctx, size_t slot, const std::string& role) {
  const int32_t t = required_input(op, ctx, slot, role);
  if (!ctx.has_data(t))
    throw InputError(ctx.describe(op) + ": the " + role + " must be a constant; tinyc needs it before run time");
  const ir::Tensor data = ctx.file_data(t);
  if (data.dtype() != ir::DType::Int32 && data.dtype() != ir::DType::Int64)
    throw InputError(ctx.describe(op) + ": the " + role + " must be int32 or int64");
  return data.to_int64();
}

void check_weight_type(const FileOp& op, const ImportContext& ctx, int32_t input, int32_t filter) {
  const ir::DType x = ctx.dtype(input);
  const ir::DType w = ctx.dtype(filter);
  if (x == ir::DType::Float32 && w != ir::DType::Float32)
    throw InputError(ctx.describe(op) + ": " + std::string(ir::dtype_name(w)) +
                     " weights without quantization parameters on float activations; tinyc reads int8 weights on float "
                     "activations (a hybrid model) as float only when their scales are given");
  if (x != w) throw InputError(ctx.describe(op) + ": weights and input must both be int8 or both float32");
}

ir::Value* bias_value(const FileOp& op, ImportContext& ctx, int32_t input, int32_t filter, int64_t channels) {
  if (op.inputs.size() < 3 || op.inputs[2] < 0) return nullptr;
  const int32_t b = op.inputs[2];
  ir::Tensor data = ctx.file_data(b);
  if (data.num_elements() != channels)
    throw InputError(ctx.describe(op) + ": the bias has " + std::to_string(data.num_elements()) + " values for " +
                     std::to_string(channels) + " output channels");
  data = reshaped(data, {channels});
  std::optional<ir::QuantParams> quant;
  if (data.dtype() == ir::DType::Int32) {
    const auto& in_q = ctx.tensor(input).quant;
    const auto& w_q = ctx.tensor(filter).quant;
    if (!in_q || !w_q) throw InputError(ctx.describe(op) + ": an int32 bias needs quantized input and weights");
    ir::QuantParams q;
    for (float s : w_q->scale) {
      q.scale.push_back(in_q->scale.at(0) * s);
      q.zero_point.push_back(0);
    }
    quant = q;
  } else if (data.dtype() != ctx.dtype(input)) {
    throw InputError(ctx.describe(op) + ": the bias is " + std::string(ir::dtype_name(data.dtype())) +
                     "; int8 ops take an int32 bias, float ops a float32 one");
  }
  const std::string key = "bias:" + std::to_string(b) + ":" + std::to_string(input) + ":" + std::to_string(filter);
  return ctx.constant(key, ctx.tensor(b).name, std::move(data), quant);
}

}  // namespace tinyc::tflite_format
