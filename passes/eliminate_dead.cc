// eliminate_dead: removes nodes whose outputs reach no graph output, then unused constants.
//
// Before: x -> A -> y (graph output); x -> B -> (nothing).   After: x -> A -> y.
// Preconditions: none. Graph inputs are kept even when unused (they are the model's interface).
// bytes_saved counts the constant data that is no longer referenced.
#include "passes/registry.h"

namespace tinyc::passes {

namespace {

bool is_dead(const ir::Node* n) {
  for (const ir::Value* out : n->outputs())
    if (out && (!out->uses().empty() || out->is_graph_output())) return false;
  return true;
}

class EliminateDead : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    // Reverse topological order frees a whole dead chain in one sweep.
    std::vector<ir::Node*> order = g.topological_order();
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if (!is_dead(*it)) continue;
      g.erase_node(*it);
      result.record_rewrite();
    }
    for (ir::Value* v : g.constants()) {
      if (!v->uses().empty() || v->is_graph_output()) continue;
      result.bytes_saved += static_cast<int64_t>(v->stored_bytes());
      g.erase_value(v);
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo eliminate_dead_pass_info() {
  return {"eliminate_dead", "Remove nodes and constants that no graph output depends on", {}, false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<EliminateDead>(); }};
}

}  // namespace tinyc::passes
