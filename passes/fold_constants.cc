// fold_constants: replaces every node whose result is known before run time by constants.
//
// Before: Constant -> c;  Shape(x[1,3,8,8]) -> Gather(0) -> Unsqueeze -> Concat(..., c) -> Reshape(x, t)
// After:  t is a constant [1, 48] and only Reshape(x, t) remains.
// Folds Constant nodes, nodes whose inputs are all constants, and Shape nodes (static shapes make
// the result known even when the input is computed at run time). Values are computed by the float
// executor's single-node evaluation (exec::evaluate_node), so op semantics exist once. Folded values
// keep their names, graph outputs included. Nodes without a float kernel or whose evaluation fails
// are left alone and listed among the declines.
// Preconditions: shapes inferred (the pass manager does so before and after every pass).
#include "exec/evaluate.h"
#include "exec/kernels/registry.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

bool all_inputs_constant(const ir::Node& n) {
  for (const ir::Value* in : n.inputs())
    if (in && !in->is_constant()) return false;
  return true;
}

bool is_foldable(const ir::Node& n) {
  if (!n.domain.empty() || !exec::kernels::make_kernel(n.op_type)) return false;
  if (n.op_type == "Shape") return n.input(0) && n.input(0)->shape.has_value();
  return all_inputs_constant(n);
}

// The node's outputs computed from its constant inputs (Shape reads only its input's shape).
std::vector<ir::Tensor> evaluate(const ir::Node& n, int64_t opset) {
  std::vector<exec::kernels::Slot> slots;
  for (const ir::Value* in : n.inputs()) {
    exec::kernels::Slot s;
    if (in) {
      s.present = true;
      s.dtype = in->dtype;
      s.shape = *in->shape;
      s.data = in->is_constant() ? &in->constant() : nullptr;
    }
    slots.push_back(std::move(s));
  }
  return exec::evaluate_slots(n, std::move(slots), opset);
}

class FoldConstants : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    const int64_t opset = exec::model_opset(g);
    // Only the visited node is erased, so the snapshot stays valid.
    for (ir::Node* n : g.topological_order()) {
      if (!is_foldable(*n)) continue;
      std::vector<ir::Tensor> values;
      try {
        values = evaluate(*n, opset);
      } catch (const InputError& e) {
        result.decline(n->name, std::string("cannot evaluate: ") + e.what());
        continue;
      }
      std::vector<ir::Value*> constants;
      for (size_t i = 0; i < values.size(); ++i) {
        const ir::Value* out = n->output(i);
        constants.push_back(out ? g.add_constant(g.unique_value_name(out->name + "_folded"), std::move(values[i]))
                                : nullptr);
      }
      replace_node(g, n, constants);
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo fold_constants_pass_info() {
  return {"fold_constants",
          "Evaluate Constant, Shape and all-constant-input nodes into constants",
          {},
          true,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<FoldConstants>(); }};
}

}  // namespace tinyc::passes
