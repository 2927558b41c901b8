// remove_identity: bypasses nodes that compute their input unchanged.
//
// Before: x -> Identity -> y -> Relu.   After: x -> Relu.
// Matches Identity, Dropout (inference: output = input; the mask output must be unused), Reshape to
// the same shape, Transpose with the identity permutation, and Pad whose pads are all zero.
// Declines when bypassing would merge a graph output with a graph input or another output.
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

bool all_zero(const std::vector<int64_t>& values) {
  for (int64_t x : values)
    if (x != 0) return false;
  return true;
}

bool is_identity_permutation(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

// True when the node's first output equals its first input element for element.
bool computes_identity(const ir::Node* n) {
  const ir::Value* in = n->input(0);
  const ir::Value* out = n->output(0);
  if (!in || !out || in->dtype != out->dtype) return false;
  const std::string& op = n->op_type;
  if (op == "Identity") return true;
  if (op == "Dropout") return is_unread(n->output(1));
  if (op == "Reshape") return in->shape && out->shape && *in->shape == *out->shape;
  if (op == "Transpose") {
    if (!in->shape) return false;
    // Absent perm reverses the dims, an identity only for rank <= 1.
    return n->has_attr("perm") ? is_identity_permutation(n->attr_ints("perm", {})) : in->shape->size() <= 1;
  }
  if (op == "Pad") {
    // Opset < 11 keeps pads in an attribute, later opsets in a constant input.
    if (n->has_attr("pads")) return all_zero(n->attr_ints("pads", {}));
    const ir::Value* pads = n->input(1);
    return pads && pads->is_constant() && all_zero(pads->constant().to_int64());
  }
  return false;
}

class RemoveIdentity : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    for (ir::Node* n : g.topological_order()) {
      if (!computes_identity(n)) continue;
      ir::Value* out = n->output(0);
      ir::Value* in = n->input(0);
      if (!g.can_replace_all_uses(out, in)) {
        result.decline(n->name, "its output is a graph output fed directly by a graph input or output");
        continue;
      }
      g.replace_all_uses(out, in);
      g.erase_node(n);
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo remove_identity_pass_info() {
  return {"remove_identity",
          "Bypass Identity, Dropout, and no-op Reshape/Transpose/Pad (e.g. an all-zero Pad)", {}, false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<RemoveIdentity>(); }};
}

}  // namespace tinyc::passes
