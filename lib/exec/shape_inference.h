// Own shape and dtype inference for the supported op set (not onnx's: opsets may be newer).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace tinyc::exec {

// Op types (default ONNX domain) whose shapes tinyc infers and which the executors run.
const std::vector<std::string>& supported_ops();
bool is_supported_op(std::string_view domain, std::string_view op_type);

// One entry per unsupported op type, sorted, each with its first node: "Loop (node loop_0)".
std::vector<std::string> list_unsupported_ops(const ir::Graph& g);

// Throws InputError naming ALL unsupported op types with one node name each, e.g.
// "unsupported ops: Loop (node loop_0), NonMaxSuppression (node nms); run `tinyc ops` for the list".
void check_supported(const ir::Graph& g);

// Fills dtype and shape of every node output in topological order, with the model's opset
// (exec::model_opset). Small integer computations on known data (Shape -> Gather/Slice -> Concat
// -> Reshape, with constant inputs) are evaluated on the fly by the float kernels
// (exec::evaluate_slots), so Reshape targets are known. Throws InputError naming the node on
// inconsistent input shapes, invalid attributes, a shape that depends on runtime data, or known
// data its kernel rejects (integer division by zero).
void infer_shapes(ir::Graph& g);

}  // namespace tinyc::exec
