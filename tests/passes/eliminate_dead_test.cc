// eliminate_dead: nodes and constants no graph output depends on are removed; outputs, graph inputs
// and what they need stay, and the outputs do not change.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

TEST_CASE("eliminate_dead removes a dead chain and its constants, keeping the outputs' function") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
  ir::Value* unused_input = g->add_input("unused", ir::DType::Float32, {1, 4});
  ir::Value* w = add_random_constant(*g, "w", {4, 3}, 1);
  ir::Value* dead_w = add_random_constant(*g, "dead_w", {4, 5}, 2);  // 80 bytes
  ir::Value* live = g->add_node("MatMul", {x, w}, {"h"}, "live")->output(0);
  g->add_output(g->add_node("Relu", {live}, {"y"}, "relu")->output(0));
  ir::Value* dead = g->add_node("MatMul", {x, dead_w}, {"dead1"}, "dead1")->output(0);
  g->add_node("Sigmoid", {dead}, {"dead2"}, "dead2");
  g->add_node("Relu", {unused_input}, {"dead3"}, "dead3");
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "eliminate_dead");
  CHECK(summaries[0].result.rewrites == 4);  // three nodes and dead_w
  CHECK(summaries[0].result.bytes_saved == 80);
  CHECK(g->node_count() == 2);
  CHECK(g->find_node("live") != nullptr);
  CHECK(g->find_value("dead_w") == nullptr);
  CHECK(g->find_value("w") != nullptr);
  CHECK(g->inputs().size() == 2);
  std::vector<ir::Tensor> inputs{random_tensor({1, 4}, 3), random_tensor({1, 4}, 4)};
  CHECK(relative_difference(run_float(*before, inputs), run_float(*g, inputs)) == 0);
}

TEST_CASE("eliminate_dead keeps a graph output that is a constant") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2});
  g->add_output(g->add_node("Relu", {x}, {"y"})->output(0));
  g->add_output(add_random_constant(*g, "table", {2}, 5));
  exec::infer_shapes(*g);
  CHECK(run_passes(*g, "eliminate_dead")[0].result.rewrites == 0);
  CHECK(g->find_value("table") != nullptr);
}

TEST_CASE("relative_difference sees a changed output") {
  // Guards the numeric checks of every pass test: different graphs must not compare equal.
  auto a = new_graph();
  a->add_output(a->add_node("Relu", {a->add_input("x", ir::DType::Float32, {1, 4})}, {"y"})->output(0));
  auto b = new_graph();
  b->add_output(b->add_node("Sigmoid", {b->add_input("x", ir::DType::Float32, {1, 4})}, {"y"})->output(0));
  exec::infer_shapes(*a);
  exec::infer_shapes(*b);
  CHECK(output_difference(*a, *b, 1) > 0.1);
}
