// Single-node evaluation, float or int8: the one implementation of op semantics that constant
// folding, the executor's folding of shape computations and the executor's run all share.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "exec/kernels/kernel.h"
#include "ir/graph.h"

namespace tinyc::exec {

// The model's default-domain opset; models that declare none get the newest semantics tinyc knows.
// Shape inference, the executor and the passes all read the opset through this one function.
int64_t model_opset(const ir::Graph& g);

// Evaluates `node` on input tensors (nullptr for an omitted optional input) and returns one tensor
// per output slot (an empty Tensor for an omitted output). The node's outputs must carry dtype and
// shape (run exec::infer_shapes first). Throws InputError naming the node for an op without a
// kernel, inputs the kernel rejects, or data errors (integer division by zero).
std::vector<ir::Tensor> evaluate_node(const ir::Node& node, const std::vector<const ir::Tensor*>& inputs,
                                      int64_t opset);

// Evaluates `node` on input slots that carry their data (Slot::data); a slot may lack data only
// when the kernel reads no element of it (Shape reads only the shape).
std::vector<ir::Tensor> evaluate_slots(const ir::Node& node, std::vector<kernels::Slot> inputs, int64_t opset);

// The kernel for `node`, prepared for the given slots: the int8 kernel when one of the node's int8
// values has quantization parameters (docs/ir.md), the float kernel otherwise. Each slot's `quant`
// is set from the node's values; a fused activation is applied once, by the kernel or after it.
std::unique_ptr<kernels::Kernel> prepare_kernel(const ir::Node& node, int64_t opset, std::vector<kernels::Slot> inputs,
                                                std::vector<kernels::Slot> outputs);

// Output slots from the node's output values (dtype and shape must be known).
std::vector<kernels::Slot> output_slots(const ir::Node& node);

}  // namespace tinyc::exec
