// The quantized weights (and biases to quantize) that quantize_int8 gives each weighted layer, at
// 8 or 4 bits, rounded to nearest or optimally (optimal_rounding.h) from the second moments of the
// layer's inputs on the calibration rows. Computed once per layer and width, so a search over
// per-layer widths re-quantizes the graph without rounding again.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"
#include "passes/quantize_constants.h"

namespace tinyc::passes {

// How weights are put on the grid: each weight alone, or the layer's output error least.
enum class Rounding { Nearest, Optimal };

// "nearest" or "optimal"; InputError naming `what` otherwise.
Rounding parse_rounding(const std::string& text, const std::string& what);

// "8" or "4"; InputError naming `what` otherwise.
int parse_weight_bits(const std::string& text, const std::string& what);

// One layer at one width.
struct QuantizedLayer {
  QuantizedConstant weights;         // int8 values in the width's range, QuantParams.bits set
  std::optional<ir::Tensor> bias;    // float32, one per output: replaces the layer's bias (optimal)
  std::optional<double> relative_error;  // output error energy / output energy on the calibration rows
};

// Why `n`'s weights cannot be packed at 4 bits; empty when TFLM runs them the same in its reference
// and CMSIS-NN kernels: Conv (CONV_2D; DEPTHWISE_CONV_2D with depth multiplier 1: with a larger
// multiplier CMSIS-NN's int4 kernel computes other outputs than the reference kernel), Gemm and
// MatMul (FULLY_CONNECTED); not ConvTranspose.
std::string int4_refusal(const ir::Node& n);
// The op types some of whose layers take 4-bit weights (int4_refusal says which).
bool int4_op_type(const std::string& op_type);

// Whether `n`'s weights at `bits` get one scale per output channel: as `scales` says, except 4-bit
// Gemm/MatMul, which get one per tensor (TFLM's int4 FULLY_CONNECTED reads a single scale).
bool per_channel_at(WeightScales scales, const ir::Node& n, int bits);

// Per weighted layer of `g` (float, Gemm with transB = 1) and per width in `widths` (4 only for
// layers without an int4_refusal): its QuantizedLayer. Optimal rounding and relative errors need the layer's
// input patches (Conv over 2-D images, Gemm): they are measured on up to 256 of `rows` (one tensor
// per graph input); other layers are rounded to nearest. Nearest rounding without `measure` runs
// nothing and gives what quantize_weights gives.
using WeightTable = std::map<std::string, std::map<int, QuantizedLayer>>;
WeightTable round_layer_weights(const ir::Graph& g, const std::vector<ir::Tensor>& rows,
                                const exec::ExecutorOptions& executor, WeightScales scales, Rounding rounding,
                                const std::vector<int>& widths, bool measure);

}  // namespace tinyc::passes
