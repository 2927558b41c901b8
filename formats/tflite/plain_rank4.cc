// plain_rank4_values: start from every candidate and drop, until nothing changes, the values an op
// that needs NHWC touches and the values that share a layout-coupled op with a dropped one.
#include "formats/tflite/plain_rank4.h"

#include <algorithm>
#include <vector>

namespace tinyc::tflite_format {

namespace {

bool is_rank4_activation(const ir::Value* v) {
  return v && !v->is_constant() && v->shape && v->shape->size() == 4;
}

// Reshapes and transposes write any layout from any layout; these ops read and write one layout.
bool is_coupling(const ir::Node& n) {
  static const std::unordered_set<std::string> ops{"MatMul", "Softmax", "Add", "Sub", "Mul", "Div"};
  return ops.count(n.op_type) != 0;
}

bool is_layout_free(const ir::Node& n) {
  // An LSTM's 4-D Y is the RESHAPE of its [time, batch, hidden] result.
  static const std::unordered_set<std::string> movers{"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "LSTM"};
  if (!n.domain.empty()) return false;
  if (movers.count(n.op_type) || n.op_type == "MatMul" || n.op_type == "Softmax") return true;
  if (!is_coupling(n)) return false;
  return std::all_of(n.inputs().begin(), n.inputs().end(), [](const ir::Value* v) {
    return v && (!v->is_constant() || v->constant().num_elements() == 1);
  });
}

std::vector<const ir::Value*> rank4_values_of(const ir::Node& n) {
  std::vector<const ir::Value*> values;
  for (const ir::Value* v : n.inputs())
    if (is_rank4_activation(v)) values.push_back(v);
  for (const ir::Value* v : n.outputs())
    if (is_rank4_activation(v)) values.push_back(v);
  return values;
}

}  // namespace

std::unordered_set<const ir::Value*> plain_rank4_values(const ir::Graph& g) {
  std::unordered_set<const ir::Value*> plain;
  for (const ir::Node* n : g.nodes())
    for (const ir::Value* v : rank4_values_of(*n))
      if (!v->is_graph_input() && !v->is_graph_output()) plain.insert(v);
  for (const ir::Node* n : g.nodes())
    if (!is_layout_free(*n))
      for (const ir::Value* v : rank4_values_of(*n)) plain.erase(v);
  for (bool changed = true; changed;) {
    changed = false;
    for (const ir::Node* n : g.nodes()) {
      if (!is_coupling(*n)) continue;
      const std::vector<const ir::Value*> values = rank4_values_of(*n);
      if (std::all_of(values.begin(), values.end(), [&](const ir::Value* v) { return plain.count(v) != 0; })) continue;
      for (const ir::Value* v : values) changed = plain.erase(v) != 0 || changed;
    }
  }
  return plain;
}

}  // namespace tinyc::tflite_format
