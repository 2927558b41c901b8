// A small sequence classifier (an LSTM or GRU over time steps, as PyTorch exports a batch-first
// recurrent layer) for the recurrent import, execution and int8-refusal tests.
#pragma once

#include <memory>

#include "ir/graph.h"

namespace tinyc::passes::testing {

// x[1,8,4] -> Transpose to [8,1,4] -> LSTM or GRU (hidden 6, seeded W, R and B) -> Y_h [1,1,6]
// -> Reshape [1,6] -> Gemm 6->3 -> y[1,3]; opset 13, shapes inferred.
std::unique_ptr<ir::Graph> sequence_classifier(bool gru);

// x[1,8,4] -> LSTM with layout 1 (batch first, hidden 6, seeded W, R and B; Y only) -> Y [1,8,1,6]
// -> Reshape [1,48] -> Gemm 48->3 -> y[1,3]: every step's hidden state is read; opset 14.
std::unique_ptr<ir::Graph> batch_first_lstm();

}  // namespace tinyc::passes::testing
