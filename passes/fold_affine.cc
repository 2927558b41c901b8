// fold_affine: absorbs a Mul, Add, Sub or Div by a per-channel (or scalar) constant into the Conv,
// ConvTranspose, Gemm or MatMul before it; exporters emit these as separate nodes (bias Add after a
// MatMul or Gemm, a scale Mul after a Conv).
//
// Before: x -> Conv(W, b) -> y -> Mul(y, k) -> z          After: x -> Conv(k . W, k * b) -> z
// Before: x -> MatMul(B) -> y -> Add(y, c) -> z           After: x -> Gemm(B, c) -> z
// Math: the op is y' = s * y + t per channel: Mul s = k; Div s = 1 / k; Add t = c; y - c: t = -c;
// c - y: s = -1, t = c. channel_affine.h absorbs it (scaled weights, s * b + t as the bias).
// Preconditions: the constant is float32 and, right-aligned against y, varies along at most one axis,
// the producer's output-channel axis; z has y's shape; y feeds only this node; the producer's weights
// and bias are float32 constants; no division by zero.
#include <optional>

#include "passes/channel_affine.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

// An elementwise node with one float32 constant operand and one computed operand.
struct AffineOperands {
  ir::Value* data;
  const ir::Value* constant;
  bool constant_first;
};

std::optional<AffineOperands> split_operands(const ir::Node& n) {
  const std::string& op = n.op_type;
  if (!n.domain.empty() || (op != "Mul" && op != "Add" && op != "Sub" && op != "Div")) return std::nullopt;
  if (n.inputs().size() != 2 || !n.input(0) || !n.input(1)) return std::nullopt;
  for (size_t k : {0u, 1u}) {
    ir::Value* data = n.input(1 - k);
    const ir::Value* constant = n.input(k);
    if (!data->is_constant() && is_float32_constant(constant)) return AffineOperands{data, constant, k == 0};
  }
  return std::nullopt;
}

// The axis of `data` along which the constant varies (right-aligned broadcasting); -1 when it is
// uniform; nullopt when it varies along several axes or would enlarge the output.
std::optional<int64_t> varying_axis(const ir::Shape& data, const ir::Shape& constant) {
  if (constant.size() > data.size()) return std::nullopt;
  int64_t axis = -1;
  const size_t offset = data.size() - constant.size();
  for (size_t i = 0; i < constant.size(); ++i) {
    if (constant[i] == 1) continue;
    if (axis != -1 || constant[i] != data[offset + i]) return std::nullopt;
    axis = static_cast<int64_t>(offset + i);
  }
  return axis;
}

// y' = s * y + t for the node's op, or the reason it is not one.
std::optional<ChannelAffine> op_affine(const ir::Node& n, const AffineOperands& ops, int64_t axis, std::string& why) {
  const std::vector<double> c = float_values(ops.constant);
  ChannelAffine a;
  a.axis = axis;
  const std::string& op = n.op_type;
  if (op == "Mul") {
    a.scale = c;
  } else if (op == "Div") {
    for (double k : c) {
      if (k == 0) {
        why = "divides by zero";
        return std::nullopt;
      }
      a.scale.push_back(1 / k);
    }
  } else if (op == "Add" || (op == "Sub" && ops.constant_first)) {
    a.scale = {op == "Sub" ? -1.0 : 1.0};
    a.shift = c;
  } else {
    a.scale = {1.0};
    for (double k : c) a.shift.push_back(-k);
  }
  return a;
}

class FoldAffine : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    // Only the visited node and the MatMul a Gemm replaces (both already visited) are erased.
    for (ir::Node* n : g.topological_order()) {
      const std::optional<AffineOperands> ops = split_operands(*n);
      if (!ops || (n->op_type == "Div" && ops->constant_first)) continue;
      ir::Node* producer = ops->data->producer();
      if (!producer || !is_affine_absorber(*producer)) continue;
      const ir::Value* out = n->output(0);
      if (!ops->data->shape || !out->shape || *out->shape != *ops->data->shape) {
        result.decline(n->name, "the constant changes the output shape");
        continue;
      }
      const std::optional<int64_t> axis = varying_axis(*ops->data->shape, ops->constant->constant().shape());
      if (!axis) {
        result.decline(n->name, "the constant varies along more than one axis");
        continue;
      }
      std::string why;
      const std::optional<ChannelAffine> affine = op_affine(*n, *ops, *axis, why);
      if (affine && sole_user(ops->data) != n) why = "the output of " + producer->name + " has other users";
      if (affine && why.empty()) why = absorb_refusal(*producer, *affine);
      if (affine && why.empty() && !g.can_replace_all_uses(n->output(0), ops->data))
        why = "its output cannot take over the graph output";
      if (!why.empty()) {
        result.decline(n->name, why);
        continue;
      }
      ir::Node* absorbed = absorb_affine(g, producer, *affine);
      absorb_node(g, n, absorbed->output(0));
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo fold_affine_pass_info() {
  return {"fold_affine",
          "Fold Mul/Add/Sub/Div by a per-channel or scalar constant into the Conv/Gemm/MatMul before it",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<FoldAffine>(); }};
}

}  // namespace tinyc::passes
