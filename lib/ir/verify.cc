// Structural checks on the IR (see verify.h for the list).
#include "ir/verify.h"

#include <algorithm>
#include <unordered_set>

#include "ir/error.h"

namespace tinyc::ir {

namespace {

void check_uses(const Graph& g, std::vector<std::string>& problems) {
  for (const Node* n : g.nodes()) {
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      const Value* in = n->inputs()[i];
      if (!in) continue;
      if (g.find_value(in->name) != in)
        problems.push_back("node " + n->name + " reads value '" + in->name + "' that the graph does not own");
      const auto& uses = in->uses();
      if (std::count(uses.begin(), uses.end(), Use{const_cast<Node*>(n), i}) != 1)
        problems.push_back("use list of '" + in->name + "' misses node " + n->name + " input " + std::to_string(i));
    }
  }
  for (const Value* v : g.values()) {
    for (const Use& u : v->uses()) {
      if (u.input_index >= u.node->inputs().size() || u.node->inputs()[u.input_index] != v)
        problems.push_back("use list of '" + v->name + "' names node " + u.node->name + " which does not read it");
    }
  }
}

void check_definitions(const Graph& g, std::vector<std::string>& problems) {
  for (const Value* v : g.values()) {
    int definitions = (v->producer() ? 1 : 0) + (v->is_constant() ? 1 : 0) + (v->is_graph_input() ? 1 : 0);
    if (definitions != 1)
      problems.push_back("value '" + v->name + "' has " + std::to_string(definitions) + " definitions (want 1)");
    if (v->producer()) {
      const Node* p = v->producer();
      if (v->producer_output_index() >= p->outputs().size() || p->outputs()[v->producer_output_index()] != v)
        problems.push_back("value '" + v->name + "' names producer " + p->name + " which does not output it");
    }
    if (v->is_constant()) {
      const Tensor& t = v->constant();
      if (t.dtype() != DType::String && t.byte_size() != static_cast<size_t>(t.num_elements()) * dtype_size(t.dtype()))
        problems.push_back("constant '" + v->name + "' holds the wrong number of bytes");
      if (v->dtype != t.dtype() || v->shape != t.shape())
        problems.push_back("constant '" + v->name + "' type differs from its data");
    }
    if (v->quant) {
      const QuantParams& q = *v->quant;
      if (q.scale.empty() || q.scale.size() != q.zero_point.size())
        problems.push_back("value '" + v->name + "' has " + std::to_string(q.scale.size()) + " scales and " +
                           std::to_string(q.zero_point.size()) + " zero points");
    }
  }
  for (const Node* n : g.nodes())
    for (const Value* out : n->outputs())
      if (out && out->producer() != n) problems.push_back("output '" + out->name + "' of " + n->name + " names another producer");
}

void check_names(const Graph& g, std::vector<std::string>& problems) {
  std::unordered_set<std::string> node_names;
  for (const Node* n : g.nodes()) {
    if (n->name.empty()) problems.push_back("a " + n->op_type + " node has no name");
    if (!node_names.insert(n->name).second) problems.push_back("node name '" + n->name + "' is used twice");
  }
  for (const Value* v : g.values())
    if (v->name.empty()) problems.push_back("a value has no name");
}

void check_interface(const Graph& g, std::vector<std::string>& problems) {
  for (const Value* v : g.inputs())
    if (!v->is_graph_input()) problems.push_back("graph input '" + v->name + "' is not flagged as one");
  if (g.outputs().empty()) problems.push_back("the graph has no outputs");
  for (const Value* v : g.outputs()) {
    if (!v->is_graph_output()) problems.push_back("graph output '" + v->name + "' is not flagged as one");
    if (g.find_value(v->name) != v) problems.push_back("graph output '" + v->name + "' is not owned by the graph");
  }
}

}  // namespace

std::vector<std::string> verify(const Graph& g) {
  std::vector<std::string> problems;
  check_names(g, problems);
  check_definitions(g, problems);
  check_uses(g, problems);
  check_interface(g, problems);
  try {
    g.topological_order();
  } catch (const InputError& e) {
    problems.push_back(e.what());
  }
  return problems;
}

void verify_or_throw(const Graph& g, const std::string& context) {
  const auto problems = verify(g);
  if (problems.empty()) return;
  std::string msg = "IR verification failed " + context + ":";
  for (const auto& p : problems) msg += "\n  " + p;
  throw InternalError(msg);
}

}  // namespace tinyc::ir
