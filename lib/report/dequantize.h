// Real values of a quantized run-time tensor, so a compressed model's int8 activations can be
// compared with the float model's activations of the same name.
#pragma once

#include <vector>

#include "ir/quant_params.h"
#include "ir/tensor.h"

namespace tinyc::report {

// r = scale · (q − zero_point) for every element of an integer tensor; per-channel parameters apply
// along `params.axis` of t's shape. Throws InternalError for a float tensor or parameters that do
// not fit the shape.
std::vector<float> dequantize(const ir::Tensor& t, const ir::QuantParams& params);

}  // namespace tinyc::report
