// subgraph(): a backward walk from the targets marks the nodes they need, then those nodes are
// copied in topological order, known values and constants created as they are first read.
#include "ir/subgraph.h"

#include <unordered_map>
#include <unordered_set>

#include "ir/error.h"

namespace tinyc::ir {

namespace {

std::unordered_set<const Node*> needed_nodes(const Graph& g, const std::map<std::string, Shape>& known,
                                             const std::vector<std::string>& targets) {
  std::unordered_set<const Node*> needed;
  std::vector<const Value*> pending;
  for (const std::string& name : targets) {
    const Value* v = g.find_value(name);
    if (!v) throw InternalError("subgraph: no value '" + name + "'");
    if (known.count(name)) throw InternalError("subgraph: target '" + name + "' is already known");
    if (!v->producer()) throw InternalError("subgraph: target '" + name + "' is not computed by a node");
    pending.push_back(v);
  }
  while (!pending.empty()) {
    const Value* v = pending.back();
    pending.pop_back();
    if (known.count(v->name) || v->is_constant()) continue;
    if (!v->producer()) throw InternalError("subgraph: graph input '" + v->name + "' is needed but not known");
    if (!needed.insert(v->producer()).second) continue;
    for (const Value* in : v->producer()->inputs())
      if (in) pending.push_back(in);
  }
  return needed;
}

}  // namespace

std::unique_ptr<Graph> subgraph(const Graph& g, const std::map<std::string, Shape>& known,
                                const std::vector<std::string>& targets) {
  const std::unordered_set<const Node*> needed = needed_nodes(g, known, targets);
  auto cut = std::make_unique<Graph>();
  cut->copy_model_info(g);
  std::unordered_map<const Value*, Value*> copies;
  const auto copy_of = [&](const Value* v) -> Value* {
    if (!v) return nullptr;
    if (auto it = copies.find(v); it != copies.end()) return it->second;
    Value* c = v->is_constant() ? cut->add_constant(v->name, v->constant())
                                : cut->add_input(v->name, v->dtype, known.at(v->name));
    c->quant = v->quant;
    return copies[v] = c;
  };
  for (const Node* n : g.topological_order()) {
    if (!needed.count(n)) continue;
    std::vector<Value*> ins;
    for (const Value* in : n->inputs()) ins.push_back(copy_of(in));
    const Node* c = cut->add_node_copy(*n, ins);
    for (size_t i = 0; i < n->outputs().size(); ++i)
      if (n->output(i)) copies[n->output(i)] = c->output(i);
  }
  for (const std::string& name : targets) cut->add_output(copies.at(g.find_value(name)));
  return cut;
}

}  // namespace tinyc::ir
