// int8 kernel adapter factories, one per adapter class; kernels/registry.cc maps op types onto them
// next to the float kernels.
#pragma once

#include <memory>

#include "exec/kernels/kernel.h"

namespace tinyc::exec::int8_adapters {

// The op a shared adapter class runs, picked by the registry.
enum class Binary { Add, Sub, Mul };
enum class Pool { Max, Average };
enum class FixedActivation { Sigmoid, Tanh };

// Conv with group 1 (conv) or group = input channels (depthwise, any depth multiplier).
std::unique_ptr<kernels::Kernel> make_conv();
// Gemm and MatMul with a constant int8 weight: TFLite's FullyConnected.
std::unique_ptr<kernels::Kernel> make_gemm();
std::unique_ptr<kernels::Kernel> make_matmul();
std::unique_ptr<kernels::Kernel> make_binary(Binary op);
// MatMul of two activations: TFLite's BATCH_MATMUL (make_matmul picks it when input 1 is not constant).
std::unique_ptr<kernels::Kernel> make_batch_matmul();
std::unique_ptr<kernels::Kernel> make_pool(Pool op);
// GlobalAveragePool (`global`: every spatial dim) and ReduceMean (axes from the node): TFLite's MEAN.
std::unique_ptr<kernels::Kernel> make_mean(bool global);
// Softmax, or LogSoftmax when `log`: TFLite's SOFTMAX / LOG_SOFTMAX over any axis.
std::unique_ptr<kernels::Kernel> make_softmax(bool log);
std::unique_ptr<kernels::Kernel> make_fixed_activation(FixedActivation op);
std::unique_ptr<kernels::Kernel> make_leaky_relu();
std::unique_ptr<kernels::Kernel> make_prelu();
std::unique_ptr<kernels::Kernel> make_hard_swish();
// Pow(x, -0.5): TFLite's RSQRT.
std::unique_ptr<kernels::Kernel> make_rsqrt();
// A forward LSTM with Y only: TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM (8-bit activations, 16-bit cell).
std::unique_ptr<kernels::Kernel> make_lstm();
// Relu and Clip: a clamp in the input's quantized range.
std::unique_ptr<kernels::Kernel> make_clamp();
std::unique_ptr<kernels::Kernel> make_concat();
// Identity, Reshape, Flatten, Squeeze, Unsqueeze: the bytes stay, only the shape changes.
std::unique_ptr<kernels::Kernel> make_reshape();
std::unique_ptr<kernels::Kernel> make_transpose();
std::unique_ptr<kernels::Kernel> make_slice();
std::unique_ptr<kernels::Kernel> make_split();
std::unique_ptr<kernels::Kernel> make_gather();
// ReduceMax (`global`: GlobalMaxPool over every spatial dim): TFLite's REDUCE_MAX.
std::unique_ptr<kernels::Kernel> make_reduce_max(bool global);
// Resize and Upsample as TFLite's RESIZE_NEAREST_NEIGHBOR or RESIZE_BILINEAR.
std::unique_ptr<kernels::Kernel> make_resize();
std::unique_ptr<kernels::Kernel> make_pad();
// QuantizeLinear (float32 -> int8) and DequantizeLinear (int8 -> float32), per tensor.
std::unique_ptr<kernels::Kernel> make_quantize();
std::unique_ptr<kernels::Kernel> make_dequantize();

}  // namespace tinyc::exec::int8_adapters
