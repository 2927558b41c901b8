// Reduced axes as the ONNX reduction specs define them (opsets 1-21).
#include "exec/shape/reduction.h"

#include "exec/shape/shape_rule.h"

namespace tinyc::exec::shape {

int64_t reduce_axes_input_since(const ir::Node& node) { return node.op_type == "ReduceSum" ? 13 : 18; }

std::vector<bool> reduced_axes(const ir::Node& node, int64_t opset, int64_t rank, const std::vector<int64_t>& axes) {
  const bool noop_when_empty =
      opset >= reduce_axes_input_since(node) && node.attr_int("noop_with_empty_axes", 0) != 0;
  std::vector<bool> reduced(static_cast<size_t>(rank), axes.empty() && !noop_when_empty);
  for (int64_t a : normalize_axes(node, axes, rank)) reduced[static_cast<size_t>(a)] = true;
  return reduced;
}

}  // namespace tinyc::exec::shape
