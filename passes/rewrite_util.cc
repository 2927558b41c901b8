// Shared graph-editing steps of the passes.
#include "passes/rewrite_util.h"

#include <algorithm>

#include "ir/error.h"

namespace tinyc::passes {

ir::Node* sole_user(const ir::Value* v) {
  if (!v || v->is_graph_output() || v->uses().size() != 1) return nullptr;
  return v->uses().front().node;
}

bool is_float32_constant(const ir::Value* v) {
  return v && v->is_constant() && v->constant().dtype() == ir::DType::Float32;
}

void set_constant_input(ir::Graph& g, ir::Node* node, size_t index, ir::Tensor data, const std::string& name_hint) {
  ir::Value* old = node->input(index);
  const bool only_reader = old && old->is_constant() && old->uses().size() == 1 && !old->is_graph_output();
  if (only_reader) {
    g.set_constant(old, std::move(data));
    return;
  }
  ir::Value* fresh =
      g.add_constant(g.unique_value_name(old ? old->name + "_" + node->name : name_hint), std::move(data));
  g.set_node_input(node, index, fresh);
}

void replace_node(ir::Graph& g, ir::Node* old_node, const std::vector<ir::Value*>& replacements) {
  if (replacements.size() != old_node->outputs().size())
    throw InternalError("replace_node: " + std::to_string(replacements.size()) + " replacements for " +
                        std::to_string(old_node->outputs().size()) + " outputs of " + old_node->name);
  std::vector<std::string> names;
  for (size_t i = 0; i < replacements.size(); ++i) {
    ir::Value* old = old_node->output(i);
    ir::Value* fresh = replacements[i];
    names.push_back(old ? old->name : "");
    if (!old) continue;
    if (!fresh) {
      if (!old->uses().empty() || old->is_graph_output())
        throw InternalError("replace_node: output '" + old->name + "' is used but has no replacement");
      continue;
    }
    if (fresh->dtype == ir::DType::Undefined) fresh->dtype = old->dtype;
    if (!fresh->shape) fresh->shape = old->shape;
    g.replace_all_uses(old, fresh);
  }
  g.erase_node(old_node);
  for (size_t i = 0; i < replacements.size(); ++i)
    if (replacements[i] && !names[i].empty() && !g.find_value(names[i])) g.rename_value(replacements[i], names[i]);
}

void absorb_node(ir::Graph& g, ir::Node* absorbed, ir::Value* survivor) {
  ir::Value* gone = absorbed->output(0);
  const std::string name = gone->name;
  const bool keeps_interface_name = gone->is_graph_output();
  g.replace_all_uses(gone, survivor);
  g.erase_node(absorbed);
  if (!keeps_interface_name) g.rename_value(survivor, name);
}

bool is_unread(const ir::Value* v) { return !v || (v->uses().empty() && !v->is_graph_output()); }

bool is_zero_constant(const ir::Value* v) {
  if (!v || !v->is_constant() || v->dtype == ir::DType::String) return false;
  const auto bytes = v->constant().bytes();
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

std::optional<float> float_scalar(const ir::Value* v) {
  if (!v || !is_float32_constant(v) || v->constant().num_elements() != 1) return std::nullopt;
  return v->constant().values<float>()[0];
}

std::vector<double> float_values(const ir::Value* v) {
  const auto values = v->constant().values<float>();
  return {values.begin(), values.end()};
}

ir::Tensor float_tensor(const ir::Shape& shape, const std::vector<double>& values) {
  std::vector<float> narrowed(values.begin(), values.end());
  return ir::Tensor::from_vector<float>(shape, narrowed);
}

}  // namespace tinyc::passes
