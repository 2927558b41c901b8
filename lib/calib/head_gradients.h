// Gradients of a classifier head's ops with respect to their activation input, for the head
// synthesis of data-free ranges (head_synthesis.h): only the ops such heads are built of (clamps,
// pooling, reshapes, fully connected layers with constant weights).
#pragma once

#include "ir/graph.h"

namespace tinyc::calib {

// True when input_gradient() handles `node`: Relu, Clip, Identity, Dropout, Flatten, Reshape,
// GlobalAveragePool, 2-D MaxPool (explicit or VALID padding, no indices output), Gemm without
// transA and MatMul of a 2-D activation, both with constant weights; every input but the first is
// constant.
bool has_input_gradient(const ir::Node& node);

// dL/dx of the node's first input, given that input x, the output y the forward run computed from
// it, and dL/dy (rows along dim 0 in each). Precondition: has_input_gradient(node).
ir::Tensor input_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& y, const ir::Tensor& dy);

}  // namespace tinyc::calib
