// fuse_gelu: the erf form of Gelu, as PyTorch and Hugging Face export it below opset 20, becomes one
// Gelu node, which has a float kernel and an int8 decomposition (decompose_for_int8).
//
// Before: x -> Div(sqrt 2) or Mul(1 / sqrt 2) -> Erf -> Add(1) -> Mul(x) and Mul(0.5), in either
//         order, or Mul by Mul(x, 0.5) -> y
// After:  x -> Gelu -> y
// Math: Gelu(x) = 0.5 x (1 + erf(x / sqrt 2)), the chain's formula; the kernel rounds once where the
// chain rounds after each of its five ops, so y moves by a few float32 rounding steps.
// Each intermediate value must have no other reader; constants match to a relative 1e-6.
#include <cmath>
#include <optional>

#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

bool is_scalar(const ir::Value* v, double want) {
  const std::optional<float> got = float_scalar(v);
  return got && std::abs(static_cast<double>(*got) - want) <= 1e-6 * std::abs(want);
}

const ir::Node* single_op(const ir::Node* n, const char* op) {
  return n && n->domain.empty() && n->op_type == op && n->inputs().size() == 2 ? n : nullptr;
}

// The input of `n` other than `v` (n has two inputs).
ir::Value* other_input(const ir::Node& n, const ir::Value* v) { return n.input(0) == v ? n.input(1) : n.input(0); }

// The chain from x to y around one Erf, in order; empty when it is not the Gelu pattern.
struct GeluChain {
  ir::Value* x = nullptr;
  std::vector<ir::Node*> nodes;  // each node's readers come after it; the last writes y
};

// x / sqrt 2 or x * (1 / sqrt 2) feeding the Erf, read by nothing else.
ir::Value* erf_argument_source(const ir::Node& erf, std::vector<ir::Node*>& nodes) {
  ir::Node* scale = erf.input(0)->producer();
  if (!scale || sole_user(erf.input(0)) != &erf) return nullptr;
  if (single_op(scale, "Div") && is_scalar(scale->input(1), std::sqrt(2.0))) {
    nodes.push_back(scale);
    return scale->input(0);
  }
  if (!single_op(scale, "Mul")) return nullptr;
  for (size_t i : {size_t{0}, size_t{1}}) {
    if (is_scalar(scale->input(1 - i), std::sqrt(0.5))) {
      nodes.push_back(scale);
      return scale->input(i);
    }
  }
  return nullptr;
}

GeluChain match_gelu(ir::Node& erf) {
  GeluChain chain;
  ir::Value* x = erf_argument_source(erf, chain.nodes);
  if (!x) return {};
  chain.nodes.push_back(&erf);
  ir::Node* add = sole_user(erf.output(0));
  if (!single_op(add, "Add") || !is_scalar(other_input(*add, erf.output(0)), 1.0)) return {};
  chain.nodes.push_back(add);
  // (1 + erf) is multiplied by x and by 0.5, in either order, or by one Mul(x, 0.5).
  bool times_x = false, times_half = false;
  ir::Value* current = add->output(0);
  while (!(times_x && times_half)) {
    ir::Node* mul = sole_user(current);
    if (!single_op(mul, "Mul")) return {};
    ir::Value* factor = other_input(*mul, current);
    ir::Node* half_x = factor->producer();
    if (factor == x && !times_x) {
      times_x = true;
    } else if (is_scalar(factor, 0.5) && !times_half) {
      times_half = true;
    } else if (!times_x && !times_half && single_op(half_x, "Mul") && sole_user(factor) == mul &&
               (is_scalar(half_x->input(1), 0.5) ? half_x->input(0) == x
                                                 : is_scalar(half_x->input(0), 0.5) && half_x->input(1) == x)) {
      chain.nodes.push_back(half_x);
      times_x = times_half = true;
    } else {
      return {};
    }
    chain.nodes.push_back(mul);
    current = mul->output(0);
  }
  chain.x = x;
  return chain;
}

class FuseGelu : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    std::vector<ir::Node*> erfs;
    for (ir::Node* n : g.topological_order())
      if (n->domain.empty() && n->op_type == "Erf" && n->input(0) && n->input(0)->dtype == ir::DType::Float32)
        erfs.push_back(n);
    for (ir::Node* erf : erfs) {
      const GeluChain chain = match_gelu(*erf);
      if (!chain.x) continue;
      ir::Node* last = chain.nodes.back();
      const std::string name = last->name;
      ir::Node* gelu = g.add_node("Gelu", {chain.x}, {g.unique_value_name(last->output(0)->name + "_gelu")},
                                  g.unique_node_name(name + "_gelu"));
      replace_node(g, last, {gelu->output(0)});
      for (auto it = chain.nodes.rbegin() + 1; it != chain.nodes.rend(); ++it) g.erase_node(*it);
      gelu->name = name;
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo fuse_gelu_pass_info() {
  return {"fuse_gelu", "Fuse the erf form of Gelu (Div, Erf, Add, Mul, Mul as exported below opset 20) into one Gelu",
          {}, false, [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<FuseGelu>(); }};
}

}  // namespace tinyc::passes
