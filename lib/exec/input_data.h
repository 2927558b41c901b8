// Checks user data (e.g. an .npy) against a model input and brings it to the input's dtype.
#pragma once

#include <string>

#include "ir/tensor.h"
#include "ir/value.h"

namespace tinyc::exec {

// Accepts data shaped exactly like the input, or like the input with dim 0 (1 in the model)
// replaced by a row count N. float64 data for a float32 input is converted. Anything else is an
// InputError naming `source`, e.g. "x.npy has shape 10x28x28 but model input 'input' takes
// Nx1x28x28". Returns the data as rows: shape [N, ...input dims past 0].
ir::Tensor as_input_rows(const ir::Value& input, ir::Tensor data, const std::string& source);

}  // namespace tinyc::exec
