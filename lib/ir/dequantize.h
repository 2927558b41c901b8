// Real values of a quantized tensor: a compressed model's int8 activations compared with the float
// model's, a hybrid .tflite file's int8 weights read as float, the float simulation of an int8 graph.
#pragma once

#include <vector>

#include "ir/quant_params.h"
#include "ir/tensor.h"

namespace tinyc::ir {

// r = scale · (q − zero_point) for every element of an integer tensor, computed in double and
// rounded once; per-channel parameters apply along `params.axis` of t's shape. Throws
// InternalError for a float tensor or parameters that do not fit the shape.
std::vector<float> dequantize(const Tensor& t, const QuantParams& params);

}  // namespace tinyc::ir
