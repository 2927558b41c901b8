// merge_transpose_reshape: collapses back-to-back layout ops into one (or none).
//
// Transpose(perm1) -> Transpose(perm2)  =>  Transpose(perm1[perm2[j]]), removed when that is identity.
//   (output dim j of the pair is input dim perm1[perm2[j]]; an absent perm reverses the dims)
// Reshape or Flatten -> Reshape         =>  one Reshape of the first input to the final shape, removed
//   when the final shape is the input's. Reshapes keep the row-major element order, so only the last
//   shape matters. The target is the inferred output shape, with dim 0 written as 0 ("copy the
//   input's dim 0") when it equals the input's, so another batch size still reshapes correctly.
// Preconditions: the intermediate value feeds only the second node and is not a graph output; the
// final shape has no zero dim (0 already means "copy" in a Reshape target).
#include <algorithm>
#include <numeric>

#include "exec/evaluate.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

std::vector<int64_t> permutation(const ir::Node& transpose, size_t rank) {
  std::vector<int64_t> reversed(rank);
  std::iota(reversed.rbegin(), reversed.rend(), 0);
  return transpose.attr_ints("perm", reversed);
}

bool is_identity(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

// The first node of a mergeable pair ending at `second`, or nullptr.
ir::Node* mergeable_first(const ir::Node& second) {
  if (!second.domain.empty() || !second.input(0)) return nullptr;
  ir::Node* first = second.input(0)->producer();
  if (!first || !first->domain.empty() || sole_user(second.input(0)) != &second || !first->input(0)) return nullptr;
  if (second.op_type == "Transpose" && first->op_type == "Transpose") return first;
  if (second.op_type == "Reshape" && (first->op_type == "Reshape" || first->op_type == "Flatten")) return first;
  return nullptr;
}

class MergeTransposeReshape : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    const int64_t opset = exec::model_opset(g);
    // Only the visited node and the one before it (already visited) are erased.
    for (ir::Node* second : g.topological_order()) {
      ir::Node* first = mergeable_first(*second);
      if (!first) continue;
      ir::Value* x = first->input(0);
      const ir::Value* out = second->output(0);
      if (!x->shape || !out->shape) continue;
      const bool transpose = second->op_type == "Transpose";
      std::vector<int64_t> composed;
      if (transpose) {
        const std::vector<int64_t> p1 = permutation(*first, x->shape->size());
        for (int64_t j : permutation(*second, x->shape->size())) composed.push_back(p1[static_cast<size_t>(j)]);
      } else if (std::find(out->shape->begin(), out->shape->end(), 0) != out->shape->end()) {
        result.decline(second->name, "the result is an empty tensor");
        continue;
      }
      const bool identity = transpose ? is_identity(composed) : *out->shape == *x->shape;
      if (identity && !g.can_replace_all_uses(second->output(0), x)) {
        result.decline(second->name, "the pair is an identity between a graph input and output");
        continue;
      }
      if (identity) {
        g.replace_all_uses(second->output(0), x);
        g.erase_node(second);
      } else {
        if (transpose)
          second->attrs["perm"] = composed;
        else
          set_reshape_target(g, second, *x->shape, *out->shape, opset);
        g.set_node_input(second, 0, x);
      }
      g.erase_node(first);
      result.record_rewrite();
    }
    return result;
  }

 private:
  static void set_reshape_target(ir::Graph& g, ir::Node* reshape, const ir::Shape& in, const ir::Shape& out,
                                 int64_t opset) {
    std::vector<int64_t> target = out;
    if (!in.empty() && !out.empty() && in[0] == out[0]) target[0] = 0;
    reshape->attrs.erase("allowzero");
    if (opset < 5) {
      reshape->attrs["shape"] = target;
      return;
    }
    const ir::Shape target_shape{static_cast<int64_t>(target.size())};
    set_constant_input(g, reshape, 1, ir::Tensor::from_vector<int64_t>(target_shape, target), reshape->name + "_shape");
  }
};

}  // namespace

PassInfo merge_transpose_reshape_pass_info() {
  return {"merge_transpose_reshape",
          "Collapse Transpose->Transpose and Reshape/Flatten->Reshape pairs into one node (or none)",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<MergeTransposeReshape>(); }};
}

}  // namespace tinyc::passes
