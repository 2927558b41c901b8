// Which rank-4 activations the file keeps in the IR's element order instead of NHWC: those only ops
// indifferent to layout touch, as in multi-head attention ([N, heads, T, d] between reshapes,
// transposes, batch matmuls, a softmax and a scalar scaling). BATCH_MATMUL multiplies them as they
// are, and no TRANSPOSE to NHWC and back is written around them.
#pragma once

#include <unordered_set>

#include "ir/graph.h"

namespace tinyc::tflite_format {

// The rank-4 activations (not graph inputs or outputs) whose producer and readers are all Reshape,
// Flatten, Squeeze, Unsqueeze, Transpose, MatMul, Softmax, or Add / Sub / Mul / Div whose constants
// hold one value; a MatMul, Softmax or elementwise op keeps all its rank-4 activations in one layout.
std::unordered_set<const ir::Value*> plain_rank4_values(const ir::Graph& g);

}  // namespace tinyc::tflite_format
