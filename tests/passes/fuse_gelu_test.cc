// fuse_gelu: each way exporters write the erf form of Gelu becomes one Gelu node with the chain's
// outputs, and a chain with a value read elsewhere is left alone.
#include <catch2/catch.hpp>

#include <cmath>

#include "exec/shape_inference.h"
#include "pass_test_util.h"
#include "passes/default_pipelines.h"
#include "passes/graphs_transformer.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

ir::Value* scalar(ir::Graph& g, const std::string& name, float value) {
  return g.add_constant(name, ir::Tensor::scalar<float>(value));
}

ir::Value* op(ir::Graph& g, const std::string& type, std::vector<ir::Value*> inputs, const std::string& name) {
  return g.add_node(type, std::move(inputs), {name}, name)->output(0);
}

// The three orders: x * (1 + erf) * 0.5, (1 + erf) * 0.5 * x, (x * 0.5) * (1 + erf); Div or Mul by 1/sqrt 2.
std::unique_ptr<ir::Graph> erf_chain(int order, bool divide, bool leak_erf, float half = 0.5f) {
  auto g = new_graph(13);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {2, 5, 7});
  ir::Value* t = divide ? op(*g, "Div", {x, scalar(*g, "sqrt2", 1.4142135f)}, "t")
                        : op(*g, "Mul", {scalar(*g, "inv_sqrt2", 0.70710677f), x}, "t");
  ir::Value* erf = op(*g, "Erf", {t}, "erf");
  ir::Value* a = op(*g, "Add", {scalar(*g, "one", 1.0f), erf}, "a");
  ir::Value* y = nullptr;
  if (order == 0) y = op(*g, "Mul", {op(*g, "Mul", {x, a}, "m"), scalar(*g, "half", half)}, "y");
  if (order == 1) y = op(*g, "Mul", {x, op(*g, "Mul", {a, scalar(*g, "half", half)}, "m")}, "y");
  if (order == 2) y = op(*g, "Mul", {op(*g, "Mul", {x, scalar(*g, "half", half)}, "h"), a}, "y");
  g->add_output(y);
  if (leak_erf) g->add_output(erf);
  exec::infer_shapes(*g);
  return g;
}

}  // namespace

TEST_CASE("fuse_gelu turns each exported erf chain into one Gelu with the chain's outputs") {
  const int order = GENERATE(0, 1, 2);
  const bool divide = GENERATE(true, false);
  auto g = erf_chain(order, divide, false);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "fuse_gelu,eliminate_dead");
  CHECK(summaries[0].result.rewrites == 1);
  REQUIRE(g->node_count() == 1);
  const ir::Node* gelu = g->outputs()[0]->producer();
  CHECK(gelu->op_type == "Gelu");
  CHECK(gelu->name == "y");
  CHECK(g->outputs()[0]->name == "y");
  CHECK(gelu->input(0)->name == "x");
  CHECK(output_difference(*before, *g, 4, 1) < 1e-6);
}

TEST_CASE("fuse_gelu leaves a chain whose Erf is read elsewhere, and a wrong constant") {
  auto leaked = erf_chain(0, true, true);
  run_passes(*leaked, "fuse_gelu");
  CHECK(count_ops(*leaked, "Gelu") == 0);
  CHECK(count_ops(*leaked, "Erf") == 1);
  auto g = erf_chain(0, true, false, 0.6f);
  run_passes(*g, "fuse_gelu");
  CHECK(count_ops(*g, "Gelu") == 0);
}

TEST_CASE("the Gelu kernel computes both forms' formulas") {
  auto g = new_graph(13);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {5});
  g->add_output(g->add_node("Gelu", {x}, {"exact"}, "exact")->output(0));
  ir::Node* tanh_form = g->add_node("Gelu", {x}, {"tanh"}, "tanh");
  tanh_form->attrs["approximate"] = std::string("tanh");
  g->add_output(tanh_form->output(0));
  exec::infer_shapes(*g);
  const auto got = run_float(*g, {ir::Tensor::from_vector<float>({5}, {-3.0f, -1.0f, 0.0f, 0.5f, 2.0f})});
  // 0.5 x (1 + erf(x / sqrt 2)) and 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), in double.
  const std::vector<double> exact{-0.0040496941, -0.1586552539, 0.0, 0.3457312306, 1.9544997361};
  const std::vector<double> tanh{-0.0036373921, -0.1588080094, 0.0, 0.3457140098, 1.9545976941};
  for (size_t i = 0; i < 5; ++i) {
    CHECK(got[0].values<float>()[i] == Approx(exact[i]).margin(1e-6));
    CHECK(got[1].values<float>()[i] == Approx(tanh[i]).margin(1e-6));
  }
}

TEST_CASE("the default folding pipeline fuses a transformer block's exported Gelu") {
  auto g = transformer_block(GeluForm::ErfChain);
  const auto before = g->clone();
  run_passes(*g, passes::default_folding_pipeline());
  CHECK(count_ops(*g, "Gelu") == 1);
  CHECK(count_ops(*g, "Erf") == 0);
  CHECK(output_difference(*before, *g, 6, 1) < 1e-5);
}
