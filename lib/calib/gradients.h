// Gradients of float ops with respect to their activation inputs, for the synthesis of calibration
// rows without data (head_synthesis.h, input_synthesis.h): only the ops of the classifiers and
// convolutional networks such rows are synthesized for, with constant weights.
#pragma once

#include <optional>
#include <vector>

#include "ir/graph.h"

namespace tinyc::calib {

// True when input_gradients() handles `node`: Relu, Clip, Identity, Dropout, Flatten, Reshape,
// GlobalAveragePool, Softmax over the last axis, BatchNormalization, 2-D Conv (any groups),
// MaxPool and AveragePool (no indices output), constant-mode Pad of a 4-D input, Add of
// same-shaped operands or of an activation and a constant that does not broadcast it, Gemm without
// transA and MatMul of a 2-D activation. Weights, biases, statistics, shapes and pads are constant.
bool has_input_gradient(const ir::Node& node);

// True when every input of `node` but the first is constant (or absent).
bool constant_side_inputs(const ir::Node& node);

// dL/d(input i) for each input i that is not constant, given the node's input values (nullptr for
// the constants and absent inputs), the output y the forward run computed from them, and dL/dy
// (rows along dim 0 in each); nullopt for the constant inputs. Precondition: has_input_gradient(node).
std::vector<std::optional<ir::Tensor>> input_gradients(const ir::Node& node,
                                                       const std::vector<const ir::Tensor*>& inputs,
                                                       const ir::Tensor& y, const ir::Tensor& dy);

}  // namespace tinyc::calib
