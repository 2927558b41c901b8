// How large an LSTM's cell state grows on given inputs: what sizes the int16 cell state of its
// int8 form (quantize_int8), computed by the float kernel's own steps.
#pragma once

#include <span>

#include "ir/node.h"

namespace tinyc::exec::kernels {

// The largest |c_t| over every step, batch row and direction when the float32 LSTM `lstm` (W, R and
// the other operands constants, no sequence_lens) runs on `x_rows`: whole X tensors of the node's
// X shape one after another. InputError when an operand is not a float32 constant.
double lstm_cell_extent(const ir::Node& lstm, std::span<const float> x_rows);

}  // namespace tinyc::exec::kernels
