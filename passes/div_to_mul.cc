// div_to_mul: Div by a constant becomes Mul by its reciprocal, which has an int8 form (TFLite's int8
// DIV does not exist; MUL does), e.g. an input normalization (x - mean) / std.
//
// Before: x -> Div(c) -> y      After: x -> Mul(1 / c) -> y
// Math: 1 / c is computed in double and rounded once to float32, so y changes by at most about one
// float32 rounding step. Declines a constant with a zero, and Div with the constant as the dividend.
#include <cmath>

#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

class DivToMul : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    for (ir::Node* n : g.topological_order()) {
      if (!n->domain.empty() || n->op_type != "Div" || !is_float32_constant(n->input(1))) continue;
      if (n->input(0)->is_constant()) continue;  // both constant: fold_constants' work
      std::vector<double> reciprocal = float_values(n->input(1));
      bool zero = false;
      for (double& v : reciprocal) {
        zero = zero || v == 0.0;
        v = 1.0 / v;
      }
      if (zero) {
        result.decline(n->name, "the divisor has a zero");
        continue;
      }
      const std::string name = n->name;
      ir::Value* factor = g.add_constant(g.unique_value_name(n->input(1)->name + "_reciprocal"),
                                         float_tensor(n->input(1)->constant().shape(), reciprocal));
      ir::Node* mul = g.add_node("Mul", {n->input(0), factor}, {g.unique_value_name(n->output(0)->name + "_mul")},
                                 g.unique_node_name(name + "_mul"));
      mul->attrs = n->attrs;  // the legacy broadcast / axis attributes mean the same for Mul
      replace_node(g, n, {mul->output(0)});
      mul->name = name;
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo div_to_mul_pass_info() {
  return {"div_to_mul", "Turn Div by a constant into Mul by its reciprocal, which runs in int8", {}, false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<DivToMul>(); }};
}

}  // namespace tinyc::passes
