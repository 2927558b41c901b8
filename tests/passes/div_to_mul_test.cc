// div_to_mul: Div by a constant becomes Mul by its reciprocal (outputs within float rounding), a
// zero divisor and a constant dividend are left alone.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

TEST_CASE("div_to_mul turns Div by a per-channel constant into Mul by its reciprocal") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 4, 4});
  ir::Value* std_dev = g->add_constant("std", ir::Tensor::from_vector<float>({3, 1, 1}, {0.229f, 0.224f, 0.225f}));
  g->add_output(g->add_node("Div", {x, std_dev}, {"y"}, "normalize")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "div_to_mul");
  CHECK(summaries[0].result.rewrites == 1);
  const ir::Node* mul = g->outputs()[0]->producer();
  REQUIRE(mul->op_type == "Mul");
  CHECK(mul->name == "normalize");
  CHECK(g->outputs()[0]->name == "y");
  CHECK(mul->input(1)->constant().values<float>()[1] == static_cast<float>(1.0 / static_cast<double>(0.224f)));
  CHECK(output_difference(*before, *g, 3) < 1e-6);
}

TEST_CASE("div_to_mul leaves a zero divisor and a constant dividend alone") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2});
  ir::Node* by_zero = g->add_node("Div", {x, g->add_constant("zero", ir::Tensor::from_vector<float>({2}, {1.0f, 0.0f}))},
                                  {"a"}, "by_zero");
  ir::Node* inverse = g->add_node("Div", {g->add_constant("one", ir::Tensor::scalar<float>(1.0f)), x}, {"b"}, "inverse");
  g->add_output(by_zero->output(0));
  g->add_output(inverse->output(0));
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "div_to_mul");
  CHECK(summaries[0].result.rewrites == 0);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0].find("the divisor has a zero") != std::string::npos);
  CHECK(count_ops(*g, "Div") == 2);
}
