// fuse_activation: moves a Relu or a constant-bound Clip into the node before it, as the typed
// attributes that TFLite kernels with a fused activation read (documented in docs/ir.md).
//
// Before: x -> Conv -> y -> Clip(y, 0, 6) -> z
// After:  x -> Conv{fused_activation="Relu6", activation_min=0, activation_max=6} -> z
// Math: z = min(max(y, activation_min), activation_max); Relu is the clamp [0, +inf).
// Names: [0, +inf) is "Relu", [0, 6] is "Relu6", any other range "Clip" (an open side is +/-inf).
// Preconditions: the producer is Conv, ConvTranspose, Gemm, MatMul or Add (ops whose TFLite kernels
// fuse an activation) without a fused activation yet; its output feeds only the activation; Clip
// bounds are constants (attributes before opset 11, inputs since).
// Executors apply the clamp after any node carrying activation_min/max; ONNX export writes it back
// as a Relu or Clip node.
#include <limits>
#include <optional>

#include "exec/evaluate.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

struct ClampRange {
  float min;
  float max;
};

// One Clip bound: absent means open; present must be a one-element float32 constant.
std::optional<float> clip_bound(const ir::Value* v, float open) {
  if (!v) return open;
  return float_scalar(v);
}

// The activation's clamp range, or nullopt when it is not a constant clamp.
std::optional<ClampRange> clamp_range(const ir::Node& act, int64_t opset) {
  if (!act.domain.empty() || !act.input(0) || act.input(0)->dtype != ir::DType::Float32) return std::nullopt;
  if (act.op_type == "Relu") return ClampRange{0.0f, kInf};
  if (act.op_type != "Clip") return std::nullopt;
  if (opset < 11) return ClampRange{act.attr_float("min", -kInf), act.attr_float("max", kInf)};
  const std::optional<float> lo = clip_bound(act.input(1), -kInf), hi = clip_bound(act.input(2), kInf);
  if (!lo || !hi) return std::nullopt;
  return ClampRange{*lo, *hi};
}

std::string activation_name(const ClampRange& r) {
  if (r.min == 0 && r.max == kInf) return "Relu";
  if (r.min == 0 && r.max == 6) return "Relu6";
  return "Clip";
}

bool has_fused_kernel(const ir::Node& n) {
  const std::string& op = n.op_type;
  return n.domain.empty() && (op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul" || op == "Add");
}

class FuseActivation : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    const int64_t opset = exec::model_opset(g);
    // Only the visited activation is erased, so the snapshot stays valid.
    for (ir::Node* act : g.topological_order()) {
      const std::optional<ClampRange> range = clamp_range(*act, opset);
      if (!range) continue;
      ir::Value* y = act->input(0);
      ir::Node* producer = y->producer();
      if (!producer || !has_fused_kernel(*producer)) continue;
      std::string why;
      if (sole_user(y) != act)
        why = "the output of " + producer->name + " has other users";
      else if (producer->has_attr("fused_activation"))
        why = producer->name + " already has a fused activation";
      else if (!g.can_replace_all_uses(act->output(0), y))
        why = "its output cannot take over the graph output";
      if (!why.empty()) {
        result.decline(act->name, why);
        continue;
      }
      producer->attrs["fused_activation"] = activation_name(*range);
      producer->attrs["activation_min"] = range->min;
      producer->attrs["activation_max"] = range->max;
      absorb_node(g, act, y);
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo fuse_activation_pass_info() {
  return {"fuse_activation",
          "Fuse Relu and constant Clip (ReLU6) into the Conv/ConvTranspose/Gemm/MatMul/Add before them",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<FuseActivation>(); }};
}

}  // namespace tinyc::passes
