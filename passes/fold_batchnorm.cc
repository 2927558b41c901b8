// fold_batchnorm: absorbs inference BatchNormalization into the Conv, ConvTranspose, Gemm or MatMul
// before it.
//
// Before: x -> Conv(W, b) -> y -> BatchNormalization(gamma, beta, mean, var) -> z
// After:  x -> Conv(W', b') -> z
// Math: BN(y) = s * y + t per channel (axis 1), s = gamma / sqrt(var + epsilon), t = beta - mean * s;
//   W' scales the weights of output channel c by s[c], b' = s * b + t (a bias is created if absent).
// Preconditions: BN parameters are float32 constants of one value per channel; only BN output 0 is
// used (inference mode); the producer's output feeds only the BN; its weights and bias are float32
// constants (see channel_affine.h for the per-op rules).
// A BN whose producer cannot absorb it is lowered to x * s + t (Mul, Add) with constants shaped
// [C,1,...,1] ([C] on 2-D inputs), so later passes and both executors see only elementwise ops;
// the result lists it among the declines with the reason the producer refused.
#include <cmath>
#include <optional>

#include "passes/channel_affine.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

bool only_first_output_used(const ir::Node& n) {
  for (size_t i = 1; i < n.outputs().size(); ++i)
    if (n.output(i) && (!n.output(i)->uses().empty() || n.output(i)->is_graph_output())) return false;
  return true;
}

// The BN's per-channel affine, or the reason there is none.
std::optional<ChannelAffine> batchnorm_affine(const ir::Node& bn, std::string& why) {
  const ir::Value* x = bn.input(0);
  if (!x->shape || x->shape->size() < 2) {
    why = "input rank is below 2";
    return std::nullopt;
  }
  if (bn.attr_int("training_mode", 0) != 0 || !only_first_output_used(bn)) {
    why = "training-mode outputs are used";
    return std::nullopt;
  }
  const int64_t channels = (*x->shape)[1];
  for (size_t i = 1; i <= 4; ++i) {
    const ir::Value* p = bn.input(i);
    if (!is_float32_constant(p) || p->constant().shape() != ir::Shape{channels}) {
      why = "parameters are not float32 constants of one value per channel";
      return std::nullopt;
    }
  }
  const std::vector<double> gamma = float_values(bn.input(1)), beta = float_values(bn.input(2)),
                            mean = float_values(bn.input(3)), var = float_values(bn.input(4));
  const double epsilon = bn.attr_float("epsilon", 1e-5f);
  ChannelAffine affine;
  affine.axis = 1;
  for (int64_t c = 0; c < channels; ++c) {
    if (!(var[c] + epsilon > 0)) {
      why = "variance + epsilon is not positive in channel " + std::to_string(c);
      return std::nullopt;
    }
    const double s = gamma[c] / std::sqrt(var[c] + epsilon);
    affine.scale.push_back(s);
    affine.shift.push_back(beta[c] - mean[c] * s);
  }
  return affine;
}

// Why the BN's producer cannot absorb it; empty when it can.
std::string producer_refusal(const ir::Graph& g, const ir::Node& bn, const ChannelAffine& affine) {
  const ir::Value* y = bn.input(0);
  const ir::Node* producer = y->producer();
  if (!producer || !is_affine_absorber(*producer)) return "not produced by Conv, ConvTranspose, Gemm or MatMul";
  if (sole_user(y) != &bn) return "the output of " + producer->name + " has other users";
  if (std::string why = absorb_refusal(*producer, affine); !why.empty()) return why;
  if (!g.can_replace_all_uses(bn.output(0), y)) return "its output cannot take over the graph output";
  return "";
}

// x * s + t with [C,1,...,1] constants, replacing the BN.
void lower_to_mul_add(ir::Graph& g, ir::Node* bn, const ChannelAffine& affine) {
  const ir::Shape& x_shape = *bn->input(0)->shape;
  ir::Shape shape(x_shape.size() - 1, 1);
  shape[0] = x_shape[1];
  ir::Value* scale = g.add_constant(g.unique_value_name(bn->name + "_scale"), float_tensor(shape, affine.scale));
  ir::Value* shift = g.add_constant(g.unique_value_name(bn->name + "_shift"), float_tensor(shape, affine.shift));
  const std::string out = bn->output(0)->name;
  ir::Node* mul = g.add_node("Mul", {bn->input(0), scale}, {g.unique_value_name(out + "_scaled")},
                             g.unique_node_name(bn->name + "_scale"));
  mul->output(0)->dtype = ir::DType::Float32;
  mul->output(0)->shape = x_shape;
  ir::Node* add = g.add_node("Add", {mul->output(0), shift}, {g.unique_value_name(out + "_shifted")},
                             g.unique_node_name(bn->name + "_shift"));
  std::vector<ir::Value*> replacements(bn->outputs().size(), nullptr);
  replacements[0] = add->output(0);
  replace_node(g, bn, replacements);
}

class FoldBatchnorm : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    // Only the visited BN (and nodes before it) are erased, so the snapshot stays valid.
    for (ir::Node* bn : g.topological_order()) {
      if (bn->op_type != "BatchNormalization" || !bn->domain.empty()) continue;
      std::string why;
      const std::optional<ChannelAffine> affine = batchnorm_affine(*bn, why);
      if (!affine) {
        result.decline(bn->name, why);
        continue;
      }
      why = producer_refusal(g, *bn, *affine);
      if (why.empty()) {
        ir::Node* producer = absorb_affine(g, bn->input(0)->producer(), *affine);
        absorb_node(g, bn, producer->output(0));
      } else {
        result.decline(bn->name, "kept as Mul + Add: " + why);
        lower_to_mul_add(g, bn, *affine);
      }
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo fold_batchnorm_pass_info() {
  return {"fold_batchnorm",
          "Fold BatchNormalization into the Conv/ConvTranspose/Gemm/MatMul before it (else lower it to Mul + Add)",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<FoldBatchnorm>(); }};
}

}  // namespace tinyc::passes
