// The one list of kernels: op type -> float kernel factory and int8 kernel factory (either may be
// missing). Keep it sorted; one line per op type.
#include "exec/kernels/registry.h"

#include <algorithm>

#include "exec/kernels/factories.h"
#include "exec/int8_adapters/factories.h"

namespace tinyc::exec::kernels {

namespace {

using Factory = std::unique_ptr<Kernel> (*)();
namespace q = int8_adapters;

struct Entry {
  std::string_view op_type;
  Factory float_kernel;
  Factory int8_kernel;
};

constexpr Entry kKernels[] = {
    {"Abs", [] { return make_unary(Unary::Abs); }, nullptr},
    {"Add", [] { return make_binary(BinaryOp::Add); }, [] { return q::make_binary(q::Binary::Add); }},
    {"AveragePool", make_average_pool, [] { return q::make_pool(q::Pool::Average); }},
    {"BatchNormalization", make_batch_norm, nullptr},
    {"Cast", make_cast, nullptr},
    {"Ceil", [] { return make_unary(Unary::Ceil); }, nullptr},
    {"Clip", make_clip, q::make_clamp},
    {"Concat", make_concat, q::make_concat},
    {"Constant", make_constant, make_constant},
    {"Conv", make_conv, q::make_conv},
    {"ConvTranspose", make_conv_transpose, nullptr},
    {"DequantizeLinear", make_dequantize_linear, q::make_dequantize},
    {"Div", [] { return make_binary(BinaryOp::Div); }, nullptr},
    {"Dropout", make_dropout, nullptr},
    {"Erf", [] { return make_unary(Unary::Erf); }, nullptr},
    {"Exp", [] { return make_unary(Unary::Exp); }, nullptr},
    {"Flatten", make_copy, q::make_reshape},
    {"Floor", [] { return make_unary(Unary::Floor); }, nullptr},
    {"GRU", make_recurrent, nullptr},
    {"Gather", make_gather, q::make_gather},
    {"Gelu", [] { return make_unary(Unary::Gelu); }, nullptr},
    {"Gemm", make_gemm, q::make_gemm},
    {"GlobalAveragePool", [] { return make_reduce(Reduction::Mean, true); }, [] { return q::make_mean(true); }},
    {"GlobalMaxPool", [] { return make_reduce(Reduction::Max, true); }, [] { return q::make_reduce_max(true); }},
    {"HardSigmoid", [] { return make_unary(Unary::HardSigmoid); }, nullptr},
    {"HardSwish", [] { return make_unary(Unary::HardSwish); }, q::make_hard_swish},
    {"Identity", make_copy, q::make_reshape},
    {"LSTM", make_recurrent, q::make_lstm},
    {"LayerNormalization", make_layer_norm, nullptr},
    {"LeakyRelu", [] { return make_unary(Unary::LeakyRelu); }, q::make_leaky_relu},
    {"Log", [] { return make_unary(Unary::Log); }, nullptr},
    {"LogSoftmax", [] { return make_softmax(true); }, [] { return q::make_softmax(true); }},
    {"MatMul", make_matmul, q::make_matmul},
    {"Max", [] { return make_variadic(Variadic::Max); }, nullptr},
    {"MaxPool", make_max_pool, [] { return q::make_pool(q::Pool::Max); }},
    {"Mean", [] { return make_variadic(Variadic::Mean); }, nullptr},
    {"Min", [] { return make_variadic(Variadic::Min); }, nullptr},
    {"Mul", [] { return make_binary(BinaryOp::Mul); }, [] { return q::make_binary(q::Binary::Mul); }},
    {"Neg", [] { return make_unary(Unary::Neg); }, nullptr},
    {"PRelu", make_prelu, q::make_prelu},
    {"Pad", make_pad, q::make_pad},
    {"Pow", make_pow, q::make_rsqrt},
    {"QuantizeLinear", make_quantize_linear, q::make_quantize},
    {"Reciprocal", [] { return make_unary(Unary::Reciprocal); }, nullptr},
    {"ReduceL1", [] { return make_reduce(Reduction::L1, false); }, nullptr},
    {"ReduceL2", [] { return make_reduce(Reduction::L2, false); }, nullptr},
    {"ReduceLogSum", [] { return make_reduce(Reduction::LogSum, false); }, nullptr},
    {"ReduceLogSumExp", [] { return make_reduce(Reduction::LogSumExp, false); }, nullptr},
    {"ReduceMax", [] { return make_reduce(Reduction::Max, false); }, [] { return q::make_reduce_max(false); }},
    {"ReduceMean", [] { return make_reduce(Reduction::Mean, false); }, [] { return q::make_mean(false); }},
    {"ReduceMin", [] { return make_reduce(Reduction::Min, false); }, nullptr},
    {"ReduceProd", [] { return make_reduce(Reduction::Prod, false); }, nullptr},
    {"ReduceSum", [] { return make_reduce(Reduction::Sum, false); }, nullptr},
    {"ReduceSumSquare", [] { return make_reduce(Reduction::SumSquare, false); }, nullptr},
    {"Relu", [] { return make_unary(Unary::Relu); }, q::make_clamp},
    {"Reshape", make_copy, q::make_reshape},
    {"Resize", make_resize, q::make_resize},
    {"Shape", make_shape, make_shape},
    {"Sigmoid", [] { return make_unary(Unary::Sigmoid); },
     [] { return q::make_fixed_activation(q::FixedActivation::Sigmoid); }},
    {"Slice", make_slice, q::make_slice},
    {"Softmax", [] { return make_softmax(false); }, [] { return q::make_softmax(false); }},
    {"Split", make_split, q::make_split},
    {"Sqrt", [] { return make_unary(Unary::Sqrt); }, nullptr},
    {"Squeeze", make_copy, q::make_reshape},
    {"Sub", [] { return make_binary(BinaryOp::Sub); }, [] { return q::make_binary(q::Binary::Sub); }},
    {"Sum", [] { return make_variadic(Variadic::Sum); }, nullptr},
    {"Tanh", [] { return make_unary(Unary::Tanh); }, [] { return q::make_fixed_activation(q::FixedActivation::Tanh); }},
    {"Transpose", make_transpose, q::make_transpose},
    {"Unsqueeze", make_copy, q::make_reshape},
    {"Upsample", make_resize, q::make_resize},
};

Factory factory(const Entry& e, Domain domain) { return domain == Domain::Float ? e.float_kernel : e.int8_kernel; }

}  // namespace

std::unique_ptr<Kernel> make_kernel(std::string_view op_type, Domain domain) {
  for (const Entry& e : kKernels)
    if (e.op_type == op_type) {
      const Factory make = factory(e, domain);
      return make ? make() : nullptr;
    }
  return nullptr;
}

std::vector<std::string> kernel_op_types(Domain domain) {
  std::vector<std::string> names;
  for (const Entry& e : kKernels)
    if (factory(e, domain)) names.emplace_back(e.op_type);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace tinyc::exec::kernels
