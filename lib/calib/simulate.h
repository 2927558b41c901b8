// A float stand-in for a quantized graph: what the int8 graph computes, in float arithmetic with
// rounding to each int8 grid, so the float executor can measure quantization error before (or
// without) int8 kernels, value by value.
#pragma once

#include <memory>

#include "ir/graph.h"

namespace tinyc::calib {

// A float graph computing the quantized graph (docs/ir.md, "The quantized graph") in simulation:
// int8 and int32 constants with quant params become their dequantized float values (names kept);
// QuantizeLinear and DequantizeLinear become Identity; and every int8 activation x with params
// (s, z) is computed in float and then rounded to its grid,
//   s * round(clip(x / s, -128 - z, 127 - z))   (ties rounded up),
// by Div, Clip, Add, Cast, Cast, Sub and Mul nodes whose last output keeps the activation's name.
// It differs from the int8 kernels only by float accumulation, by the 32-bit requantization
// multipliers, and by rounding ties upwards. Shapes are inferred. InputError for per-channel
// activation params, InternalError when the graph has no quant params on an int8 activation.
std::unique_ptr<ir::Graph> simulate_in_float(const ir::Graph& quantized);

}  // namespace tinyc::calib
