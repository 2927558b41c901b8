// matmul_add_to_gemm: turns a 2-D MatMul by a constant followed by the Add of a constant bias into one
// Gemm (the op whose TFLite lowering is FullyConnected with a bias).
//
// Before: A[M,K] -> MatMul(B[K,N]) -> y -> Add(y, c) -> z
// After:  A[M,K] -> Gemm(A, B, c) -> z          (alpha = beta = 1, no transposes)
// Math: Gemm computes A * B + c with c broadcast to [M, N], the same as MatMul then Add.
// Preconditions: A and B are 2-D, B and c are float32 constants, c does not vary along rows
// (shape [], [1], [N], [1,1] or [1,N], so other batch sizes still broadcast), y feeds only the Add,
// the MatMul has no fused activation.
#include "passes/channel_affine.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

class MatmulAddToGemm : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    // Only the visited Add and the MatMul before it are erased, so the snapshot stays valid.
    for (ir::Node* add : g.topological_order()) {
      if (add->op_type != "Add" || !add->domain.empty() || add->inputs().size() != 2) continue;
      const size_t k = is_float32_constant(add->input(1)) ? 1 : 0;
      ir::Value* y = add->input(1 - k);
      ir::Value* c = add->input(k);
      ir::Node* matmul = y->producer();
      if (!is_float32_constant(c) || !matmul || matmul->op_type != "MatMul" || !matmul->domain.empty()) continue;
      const ir::Value* a = matmul->input(0);
      const ir::Value* b = matmul->input(1);
      std::string why;
      if (!a->shape || a->shape->size() != 2 || !is_float32_constant(b) || b->constant().shape().size() != 2)
        why = "the MatMul is not a 2-D product by a float32 constant";
      else if (!is_per_column_bias(c->constant().shape(), b->constant().shape()[1]))
        why = "the added constant varies along rows";
      else if (matmul->has_attr("fused_activation"))
        why = matmul->name + " has a fused activation the Add follows";
      else if (sole_user(y) != add)
        why = "the output of " + matmul->name + " has other users";
      if (!why.empty()) {
        result.decline(add->name, why);
        continue;
      }
      ir::Node* gemm = matmul_to_gemm(g, matmul, c);
      replace_node(g, add, {gemm->output(0)});
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo matmul_add_to_gemm_pass_info() {
  return {"matmul_add_to_gemm",
          "Turn a 2-D MatMul by a constant plus a constant bias Add into one Gemm",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<MatmulAddToGemm>(); }};
}

}  // namespace tinyc::passes
