// remove_identity: Identity, Dropout, same-shape Reshape, identity Transpose and all-zero Pad are
// bypassed; a graph input wired straight to a graph output is declined.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

using Ints = std::vector<int64_t>;

ir::Tensor ints(const Ints& values) {
  return ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values);
}

}  // namespace

TEST_CASE("remove_identity bypasses every no-op node and keeps the output name") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 3, 3});
  ir::Value* v = g->add_node("Sigmoid", {x}, {"s"}, "sigmoid")->output(0);
  v = g->add_node("Identity", {v}, {"i"})->output(0);
  v = g->add_node("Dropout", {v}, {"d", "mask"})->output(0);
  v = g->add_node("Reshape", {v, g->add_constant("same", ints({1, 2, 3, 3}))}, {"r"})->output(0);
  ir::Node* transpose = g->add_node("Transpose", {v}, {"t"});
  transpose->attrs["perm"] = Ints{0, 1, 2, 3};
  v = g->add_node("Pad", {transpose->output(0), g->add_constant("pads", ints({0, 0, 0, 0, 0, 0, 0, 0}))}, {"p"})
          ->output(0);
  ir::Node* relu = g->add_node("Relu", {v}, {"y"}, "relu");
  g->add_output(relu->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "remove_identity");
  CHECK(summaries[0].result.rewrites == 5);
  REQUIRE(g->node_count() == 2);
  CHECK(relu->input(0) == g->find_value("s"));
  CHECK(g->outputs()[0]->name == "y");
  CHECK(output_difference(*before, *g, 1) == 0);
}

TEST_CASE("remove_identity leaves nodes that change their input") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 3});
  ir::Value* v = g->add_node("Reshape", {x, g->add_constant("flat", ints({1, 6}))}, {"r"})->output(0);
  ir::Node* transpose = g->add_node("Transpose", {v}, {"t"});
  transpose->attrs["perm"] = Ints{1, 0};
  v = g->add_node("Pad", {transpose->output(0), g->add_constant("pads", ints({0, 1, 0, 0}))}, {"p"})->output(0);
  g->add_output(g->add_node("Relu", {v}, {"y"})->output(0));
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "remove_identity");
  CHECK(summaries[0].result.rewrites == 0);
  CHECK(g->node_count() == 4);
}

TEST_CASE("remove_identity keeps a Dropout whose mask is used") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
  ir::Node* dropout = g->add_node("Dropout", {x}, {"d", "mask"});
  g->add_output(g->add_node("Relu", {dropout->output(0)}, {"y"})->output(0));
  g->add_output(dropout->output(1));
  exec::infer_shapes(*g);
  CHECK(run_passes(*g, "remove_identity")[0].result.rewrites == 0);
  CHECK(count_ops(*g, "Dropout") == 1);
}

TEST_CASE("remove_identity declines to merge a graph input into a graph output") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
  g->add_output(g->add_node("Identity", {x}, {"y"}, "id")->output(0));
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "remove_identity");
  CHECK(summaries[0].result.rewrites == 0);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0].rfind("id: ", 0) == 0);
  CHECK(g->node_count() == 1);
}
