// Checks user data (e.g. an .npy) against a model input and brings it to the input's dtype.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"
#include "ir/value.h"

namespace tinyc::exec {

// Accepts data shaped exactly like the input, or like the input with dim 0 (1 in the model)
// replaced by a row count N. float64 data for a float32 input is converted. Anything else is an
// InputError naming `source`, e.g. "x.npy has shape 10x28x28 but model input 'input' takes
// Nx1x28x28". Returns the data as rows: shape [N, ...input dims past 0].
ir::Tensor as_input_rows(const ir::Value& input, ir::Tensor data, const std::string& source);

// as_input_rows for every input of `g`, data[i] feeding input i; InputError "the model takes N inputs,
// the <source> gives M" when the counts differ.
std::vector<ir::Tensor> as_graph_input_rows(const ir::Graph& g, std::vector<ir::Tensor> data, const std::string& source);

}  // namespace tinyc::exec
