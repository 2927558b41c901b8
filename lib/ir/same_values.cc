// same_values(): one walk over `after` in topological order; a node matches only when all its
// inputs already do, so every value reported has the same computation all the way up.
#include "ir/same_values.h"

namespace tinyc::ir {

namespace {

bool same_outputs(const Node& a, const Node& b) {
  if (a.outputs().size() != b.outputs().size()) return false;
  for (size_t i = 0; i < a.outputs().size(); ++i) {
    const Value *x = a.output(i), *y = b.output(i);
    if ((x == nullptr) != (y == nullptr) || (x && x->name != y->name)) return false;
  }
  return true;
}

}  // namespace

std::unordered_set<std::string> same_values(const Graph& before, const Graph& after) {
  std::unordered_set<std::string> same;
  for (const Value* in : after.inputs()) {
    const Value* b = before.find_value(in->name);
    if (b && b->is_graph_input() && b->dtype == in->dtype && b->shape == in->shape) same.insert(in->name);
  }
  const auto same_input = [&](const Value* a, const Value* b) {
    if (!a || !b) return a == b;
    if (a->name != b->name) return false;
    if (a->is_constant() || b->is_constant()) return a->is_constant() && b->is_constant() && a->constant() == b->constant();
    return same.count(a->name) > 0;
  };
  for (const Node* n : after.topological_order()) {
    const Node* m = before.find_node(n->name);
    if (!m || m->op_type != n->op_type || m->domain != n->domain || m->attrs != n->attrs ||
        m->inputs().size() != n->inputs().size() || !same_outputs(*m, *n))
      continue;
    bool equal = true;
    for (size_t i = 0; i < n->inputs().size() && equal; ++i) equal = same_input(n->input(i), m->input(i));
    if (!equal) continue;
    for (const Value* out : n->outputs())
      if (out) same.insert(out->name);
  }
  return same;
}

}  // namespace tinyc::ir
