// The one list of IR op types the emitter lowers, and TFLite's version of each builtin's int8 form.
#include <map>

#include "formats/tflite/lowering.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

const std::map<std::string, LowerFn>& lowerings() {
  static const std::map<std::string, LowerFn> table = {
      {"Add", lower_add_mul},
      {"AveragePool", lower_pool},
      {"Clip", lower_clamp},
      {"Concat", lower_concat},
      {"Conv", lower_conv},
      {"DequantizeLinear", lower_quantize_dequantize},
      {"Flatten", lower_reshape},
      {"Gather", lower_gather},
      {"Gemm", lower_fully_connected},
      {"GlobalAveragePool", lower_global_pool},
      {"GlobalMaxPool", lower_global_pool},
      {"HardSwish", lower_logistic_tanh},
      {"LSTM", lower_lstm},
      {"LeakyRelu", lower_leaky_relu},
      {"LogSoftmax", lower_softmax},
      {"MatMul", lower_fully_connected},
      {"MaxPool", lower_pool},
      {"Mul", lower_add_mul},
      {"PRelu", lower_prelu},
      {"Pad", lower_pad},
      {"Pow", lower_rsqrt},
      {"QuantizeLinear", lower_quantize_dequantize},
      {"ReduceMax", lower_reduce},
      {"ReduceMean", lower_reduce},
      {"Relu", lower_clamp},
      {"Reshape", lower_reshape},
      {"Resize", lower_resize},
      {"Sigmoid", lower_logistic_tanh},
      {"Slice", lower_slice},
      {"Softmax", lower_softmax},
      {"Split", lower_split},
      {"Squeeze", lower_reshape},
      {"Sub", lower_add_mul},
      {"Tanh", lower_logistic_tanh},
      {"Transpose", lower_transpose},
      {"Unsqueeze", lower_reshape},
      {"Upsample", lower_resize},
  };
  return table;
}

}  // namespace

LowerFn find_lowering(const std::string& op_type) {
  auto it = lowerings().find(op_type);
  return it == lowerings().end() ? nullptr : it->second;
}

std::vector<std::string> lowered_op_types() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : lowerings()) names.push_back(name);
  return names;
}

int32_t op_version(fb::BuiltinOperator code) {
  using Op = fb::BuiltinOperator;
  switch (code) {
    case Op::CONV_2D:
    case Op::DEPTHWISE_CONV_2D:
      return 3;  // int8 input, int8 weights, int8 output
    case Op::FULLY_CONNECTED:
      return 4;  // int8, with a bias (5 with keep_num_dims, chosen by the lowering)
    case Op::ADD:
    case Op::SUB:
    case Op::MUL:  // 3 when s1 * s2 / s_out >= 1 (chosen by the Mul lowering)
    case Op::AVERAGE_POOL_2D:
    case Op::MAX_POOL_2D:
    case Op::CONCATENATION:
    case Op::SOFTMAX:
    case Op::MEAN:
    case Op::REDUCE_MAX:
    case Op::PAD:
    case Op::TRANSPOSE:
    case Op::STRIDED_SLICE:
    case Op::SPLIT:
    case Op::GATHER:
    case Op::MIRROR_PAD:
    case Op::BATCH_MATMUL:
    case Op::SPLIT_V:
    case Op::LOGISTIC:
    case Op::TANH:
    case Op::RELU:
    case Op::RELU6:
    case Op::DEQUANTIZE:  // int8 input, per tensor
    case Op::RSQRT:
    case Op::LOG_SOFTMAX:
      return 2;
    case Op::RESHAPE:
    case Op::QUANTIZE:  // int8 output, per tensor
    case Op::RELU_N1_TO_1:
    case Op::LEAKY_RELU:  // 2 is int16
    case Op::PRELU:
    case Op::HARD_SWISH:
      return 1;
    default:
      throw InternalError("no int8 version is known for builtin " + std::to_string(static_cast<int>(code)));
  }
}

}  // namespace tinyc::tflite_format
