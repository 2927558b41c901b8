// Kernel factories, one per kernel class; registry.cc maps op types onto them.
#pragma once

#include <memory>

#include "exec/kernels/kernel.h"

namespace tinyc::exec::kernels {

// The op a shared kernel class runs, picked by the registry.
enum class BinaryOp { Add, Sub, Mul, Div };
enum class Unary {
  Relu, Sigmoid, Tanh, LeakyRelu, HardSigmoid, HardSwish, Gelu,  // activations (Gelu: erf or tanh form)
  Abs, Neg, Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Erf,  // math
};
enum class Variadic { Max, Min, Sum, Mean };  // numpy broadcasting over all inputs
enum class Reduction { Mean, Max, Min, Sum, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

std::unique_ptr<Kernel> make_conv();
std::unique_ptr<Kernel> make_conv_transpose();
std::unique_ptr<Kernel> make_gemm();
std::unique_ptr<Kernel> make_matmul();
std::unique_ptr<Kernel> make_binary(BinaryOp op);
// X ** Y, the exponent of any numeric dtype.
std::unique_ptr<Kernel> make_pow();
std::unique_ptr<Kernel> make_prelu();
std::unique_ptr<Kernel> make_unary(Unary op);
std::unique_ptr<Kernel> make_variadic(Variadic op);
std::unique_ptr<Kernel> make_clip();
std::unique_ptr<Kernel> make_softmax(bool log);
std::unique_ptr<Kernel> make_batch_norm();
std::unique_ptr<Kernel> make_layer_norm();
// LSTM and GRU (the node's op type picks the cell).
std::unique_ptr<Kernel> make_recurrent();
std::unique_ptr<Kernel> make_max_pool();
std::unique_ptr<Kernel> make_average_pool();
// ReduceMean and friends (axes from the node); `global` reduces every spatial dim (GlobalAveragePool).
std::unique_ptr<Kernel> make_reduce(Reduction op, bool global);
// Identity, Flatten, Reshape, Squeeze, Unsqueeze: the elements stay, only the shape changes.
std::unique_ptr<Kernel> make_copy();
std::unique_ptr<Kernel> make_dropout();
std::unique_ptr<Kernel> make_constant();
std::unique_ptr<Kernel> make_shape();
std::unique_ptr<Kernel> make_concat();
std::unique_ptr<Kernel> make_split();
// Resize and Upsample, nearest (any element type) and linear (float).
std::unique_ptr<Kernel> make_resize();
std::unique_ptr<Kernel> make_gather();
std::unique_ptr<Kernel> make_transpose();
std::unique_ptr<Kernel> make_slice();
std::unique_ptr<Kernel> make_pad();
std::unique_ptr<Kernel> make_cast();
// ONNX's QuantizeLinear / DequantizeLinear with scale and zero-point inputs (QDQ models).
std::unique_ptr<Kernel> make_quantize_linear();
std::unique_ptr<Kernel> make_dequantize_linear();

}  // namespace tinyc::exec::kernels
