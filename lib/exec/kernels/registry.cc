// The one list of float kernels: op type -> factory. Keep it sorted; one line per op type.
#include "exec/kernels/registry.h"

#include <algorithm>

#include "exec/kernels/factories.h"

namespace tinyc::exec::kernels {

namespace {

using Factory = std::unique_ptr<Kernel> (*)();

struct Entry {
  std::string_view op_type;
  Factory make;
};

constexpr Entry kKernels[] = {
    {"Abs", [] { return make_unary(Unary::Abs); }},
    {"Add", [] { return make_binary(BinaryOp::Add); }},
    {"AveragePool", make_average_pool},
    {"BatchNormalization", make_batch_norm},
    {"Cast", make_cast},
    {"Ceil", [] { return make_unary(Unary::Ceil); }},
    {"Clip", make_clip},
    {"Concat", make_concat},
    {"Constant", make_constant},
    {"Conv", make_conv},
    {"ConvTranspose", make_conv_transpose},
    {"Div", [] { return make_binary(BinaryOp::Div); }},
    {"Dropout", make_dropout},
    {"Erf", [] { return make_unary(Unary::Erf); }},
    {"Exp", [] { return make_unary(Unary::Exp); }},
    {"Flatten", make_copy},
    {"Floor", [] { return make_unary(Unary::Floor); }},
    {"Gather", make_gather},
    {"Gemm", make_gemm},
    {"GlobalAveragePool", [] { return make_reduce(Reduction::Mean, true); }},
    {"GlobalMaxPool", [] { return make_reduce(Reduction::Max, true); }},
    {"HardSigmoid", [] { return make_unary(Unary::HardSigmoid); }},
    {"HardSwish", [] { return make_unary(Unary::HardSwish); }},
    {"Identity", make_copy},
    {"LeakyRelu", [] { return make_unary(Unary::LeakyRelu); }},
    {"Log", [] { return make_unary(Unary::Log); }},
    {"LogSoftmax", [] { return make_softmax(true); }},
    {"MatMul", make_matmul},
    {"Max", [] { return make_variadic(Variadic::Max); }},
    {"MaxPool", make_max_pool},
    {"Mean", [] { return make_variadic(Variadic::Mean); }},
    {"Min", [] { return make_variadic(Variadic::Min); }},
    {"Mul", [] { return make_binary(BinaryOp::Mul); }},
    {"Neg", [] { return make_unary(Unary::Neg); }},
    {"PRelu", make_prelu},
    {"Pad", make_pad},
    {"Reciprocal", [] { return make_unary(Unary::Reciprocal); }},
    {"ReduceL1", [] { return make_reduce(Reduction::L1, false); }},
    {"ReduceL2", [] { return make_reduce(Reduction::L2, false); }},
    {"ReduceLogSum", [] { return make_reduce(Reduction::LogSum, false); }},
    {"ReduceLogSumExp", [] { return make_reduce(Reduction::LogSumExp, false); }},
    {"ReduceMax", [] { return make_reduce(Reduction::Max, false); }},
    {"ReduceMean", [] { return make_reduce(Reduction::Mean, false); }},
    {"ReduceMin", [] { return make_reduce(Reduction::Min, false); }},
    {"ReduceProd", [] { return make_reduce(Reduction::Prod, false); }},
    {"ReduceSum", [] { return make_reduce(Reduction::Sum, false); }},
    {"ReduceSumSquare", [] { return make_reduce(Reduction::SumSquare, false); }},
    {"Relu", [] { return make_unary(Unary::Relu); }},
    {"Reshape", make_copy},
    {"Shape", make_shape},
    {"Sigmoid", [] { return make_unary(Unary::Sigmoid); }},
    {"Slice", make_slice},
    {"Softmax", [] { return make_softmax(false); }},
    {"Sqrt", [] { return make_unary(Unary::Sqrt); }},
    {"Squeeze", make_copy},
    {"Sub", [] { return make_binary(BinaryOp::Sub); }},
    {"Sum", [] { return make_variadic(Variadic::Sum); }},
    {"Tanh", [] { return make_unary(Unary::Tanh); }},
    {"Transpose", make_transpose},
    {"Unsqueeze", make_copy},
};

}  // namespace

std::unique_ptr<Kernel> make_kernel(std::string_view op_type) {
  for (const Entry& e : kKernels)
    if (e.op_type == op_type) return e.make();
  return nullptr;
}

std::vector<std::string> kernel_op_types() {
  std::vector<std::string> names;
  for (const Entry& e : kKernels) names.emplace_back(e.op_type);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace tinyc::exec::kernels
