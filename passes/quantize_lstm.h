// The LSTM part of quantize_int8: sizing each LSTM's int16 cell state on the calibration rows and
// writing its operands in the int8 form of docs/ir.md (TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"

namespace tinyc::passes {

// The largest |cell state| each LSTM of `g` with an int8 form reaches on the rows, by node name:
// the graph runs once to capture every such LSTM's X, then the LSTM's own float steps run on it.
std::map<std::string, double> lstm_cell_extents(const ir::Graph& g, const std::vector<ir::Tensor>& rows,
                                                const exec::ExecutorOptions& options);

// Rewrites the operands of an LSTM with an int8 form whose X is int8 at `input_scale`: W and R int8
// with one symmetric scale per gate, B int32 [1, 8 * hidden] holding the two bias halves' sum at
// s_x * s_w of each gate (the second half 0), all-zero initial states and peepholes dropped, and
// the cell_scale_log2 attribute: the smallest power of two holding `cell_extent` in int16.
void quantize_lstm_operands(ir::Graph& g, ir::Node* n, float input_scale, double cell_extent);

}  // namespace tinyc::passes
