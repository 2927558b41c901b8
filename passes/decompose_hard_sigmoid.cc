// decompose_hard_sigmoid: HardSigmoid written as the Mul, Add and Clip it computes, which TFLite
// runs in int8 (it has no hard sigmoid op) and the folding passes can merge into a producer.
//
// Before: x -> HardSigmoid(alpha, beta) -> y
// After:  x -> Mul(alpha) -> Add(beta) -> Clip(0, 1) -> y
// Math: HardSigmoid(x) = max(0, min(1, alpha * x + beta)), a product then a sum in float32 either way,
// so the outputs keep their bits. Clip's bounds are inputs from opset 11, attributes before.
#include "exec/evaluate.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

class DecomposeHardSigmoid : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    const int64_t opset = exec::model_opset(g);
    for (ir::Node* n : g.topological_order()) {
      if (!n->domain.empty() || n->op_type != "HardSigmoid" || !n->input(0)) continue;
      if (n->input(0)->dtype != ir::DType::Float32) {
        result.decline(n->name, "the input is not float32");
        continue;
      }
      const std::string base = n->name;
      auto scalar = [&](const std::string& role, float value) {
        return g.add_constant(g.unique_value_name(base + "_" + role), ir::Tensor::scalar<float>(value));
      };
      ir::Node* scaled = g.add_node("Mul", {n->input(0), scalar("alpha", n->attr_float("alpha", 0.2f))},
                                    {g.unique_value_name(base + "_scaled")}, g.unique_node_name(base + "_scale"));
      ir::Node* shifted = g.add_node("Add", {scaled->output(0), scalar("beta", n->attr_float("beta", 0.5f))},
                                     {g.unique_value_name(base + "_shifted")}, g.unique_node_name(base + "_shift"));
      std::vector<ir::Value*> clip_inputs{shifted->output(0)};
      if (opset >= 11) clip_inputs = {shifted->output(0), scalar("min", 0.0f), scalar("max", 1.0f)};
      ir::Node* clip = g.add_node("Clip", clip_inputs, {g.unique_value_name(base + "_clipped")}, g.unique_node_name(base));
      if (opset < 11) {
        clip->attrs["min"] = 0.0f;
        clip->attrs["max"] = 1.0f;
      }
      replace_node(g, n, {clip->output(0)});
      clip->name = base;
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo decompose_hard_sigmoid_pass_info() {
  return {"decompose_hard_sigmoid",
          "Write HardSigmoid as Mul, Add and Clip (TFLite has no hard sigmoid; the affine folds can merge them)",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<DecomposeHardSigmoid>(); }};
}

}  // namespace tinyc::passes
