// The constants of the quantized graph, each with its QuantParams: weights (int8, symmetric, per
// output channel), biases (int32 at input_scale * weight_scale) and float operands of Add, Mul and
// Concat (int8, asymmetric, per tensor). The arithmetic is exec/int8_reference/quant_math.h's.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/node.h"
#include "ir/quant_params.h"
#include "ir/tensor.h"

namespace tinyc::passes {

// Quantized data and the parameters that read it back.
struct QuantizedConstant {
  ir::Tensor data;
  ir::QuantParams quant;
};

// Which layers' weights get one scale per output channel. Per channel is the most accurate; TFLM
// then keeps a 4 B multiplier and a 4 B shift per output channel of each layer in its arena, which
// fully connected layers with many units pay for in RAM. fc_per_tensor is the TF converter's choice:
// per channel for Conv, one scale per tensor for Gemm/MatMul (TFLite FULLY_CONNECTED).
enum class WeightScales { PerChannel, PerTensor, FcPerTensor };

// "per_channel", "per_tensor" or "fc_per_tensor"; InputError naming `what` otherwise.
WeightScales parse_weight_scales(const std::string& text, const std::string& what);

// Whether the weights of `n` (a Conv, ConvTranspose, Gemm or MatMul) get per-channel scales.
bool per_channel_weights(WeightScales scales, const ir::Node& n);

// Float32 weights whose output channels run along `axis`, at `bits` (8 or 4, m = 127 or 7):
// scale[c] = max|w_c| / m and values in [-m, m], one scale per channel (per_channel) or one for the
// whole tensor; zero points 0.
QuantizedConstant quantize_weights(const ir::Tensor& w, int64_t axis, bool per_channel, int bits = 8);

// A float32 bias of `channels` values (any shape holding one per channel, or a single value for
// all) as int32 [channels] at scale input_scale * weight_scales[c], axis 0.
QuantizedConstant quantize_bias(const ir::Tensor& bias, int64_t channels, float input_scale,
                                const std::vector<float>& weight_scales);

// A float32 constant as int8 with the asymmetric parameters of its own [min, max].
QuantizedConstant quantize_per_tensor(const ir::Tensor& c);

}  // namespace tinyc::passes
