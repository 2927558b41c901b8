// fold_constants: Constant nodes, Shape on static shapes and all-constant subgraphs become constants
// computed by the float executor's single-node evaluation; names and graph outputs are kept.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "pass_test_util.h"
#include "passes/registry.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

using Ints = std::vector<int64_t>;

ir::Tensor ints(const Ints& values) {
  return ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values);
}

ir::Node* constant_node(ir::Graph& g, const std::string& out, ir::Tensor value) {
  ir::Node* n = g.add_node("Constant", {}, {out}, out + "_node");
  n->attrs["value"] = std::move(value);
  return n;
}

}  // namespace

TEST_CASE("fold_constants folds a Shape -> Gather -> Unsqueeze -> Concat chain into a Reshape target") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 4, 4});
  ir::Value* shape = g->add_node("Shape", {x}, {"shape"})->output(0);
  ir::Value* batch =
      g->add_node("Gather", {shape, g->add_constant("zero", ir::Tensor::scalar<int64_t>(0))}, {"batch"})->output(0);
  ir::Value* batch1 = g->add_node("Unsqueeze", {batch, g->add_constant("axes", ints({0}))}, {"batch1"})->output(0);
  ir::Value* rest = constant_node(*g, "rest", ints({-1}))->output(0);
  ir::Node* concat = g->add_node("Concat", {batch1, rest}, {"target"});
  concat->attrs["axis"] = int64_t{0};
  ir::Node* reshape = g->add_node("Reshape", {x, concat->output(0)}, {"y"}, "reshape");
  g->add_output(reshape->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "fold_constants");
  CHECK(summaries[0].result.rewrites == 5);
  CHECK(summaries[0].iterations == 2);  // the second sweep finds nothing left
  REQUIRE(g->node_count() == 1);
  const ir::Value* target = reshape->input(1);
  REQUIRE(target->is_constant());
  CHECK(target->name == "target");
  CHECK(target->constant().to_int64() == Ints{1, -1});
  CHECK(*reshape->output(0)->shape == ir::Shape{1, 48});
  CHECK(output_difference(*before, *g, 1, 1) == 0);
}

TEST_CASE("fold_constants turns Constant-fed Clip bounds into constants") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 8});
  ir::Value* lo = constant_node(*g, "lo", ir::Tensor::scalar(0.0f))->output(0);
  ir::Value* hi = constant_node(*g, "hi", ir::Tensor::scalar(6.0f))->output(0);
  ir::Node* clip = g->add_node("Clip", {x, lo, hi}, {"y"}, "clip");
  g->add_output(clip->output(0));
  exec::infer_shapes(*g);
  run_passes(*g, "fold_constants");
  REQUIRE(g->node_count() == 1);
  REQUIRE(clip->input(1)->is_constant());
  REQUIRE(clip->input(2)->is_constant());
  CHECK(clip->input(1)->name == "lo");
  CHECK(clip->input(2)->constant() == ir::Tensor::scalar(6.0f));
}

TEST_CASE("fold_constants evaluates arithmetic on constants and leaves run-time nodes alone") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {2, 3});
  ir::Value* a = add_random_constant(*g, "a", {2, 3}, 1);
  ir::Value* b = add_random_constant(*g, "b", {3}, 2);
  ir::Value* sum = g->add_node("Add", {a, b}, {"sum"})->output(0);
  ir::Value* scaled = g->add_node("Mul", {x, sum}, {"scaled"})->output(0);
  g->add_output(g->add_node("Relu", {scaled}, {"y"})->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fold_constants");
  CHECK(g->node_count() == 2);
  CHECK(count_ops(*g, "Add") == 0);
  const ir::Value* folded = g->find_value("sum");
  REQUIRE(folded->is_constant());
  const auto av = a->constant().values<float>(), bv = b->constant().values<float>();
  const auto fv = folded->constant().values<float>();
  for (size_t i = 0; i < 6; ++i) CHECK(fv[i] == av[i] + bv[i % 3]);
  CHECK(output_difference(*before, *g, 2, 1) == 0);
}

TEST_CASE("fold_constants keeps the name of a graph output it folds") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2});
  g->add_output(g->add_node("Relu", {x}, {"r"})->output(0));
  ir::Value* c = add_random_constant(*g, "c", {1, 2}, 3);
  g->add_output(g->add_node("Sigmoid", {c}, {"gate"})->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fold_constants");
  CHECK(g->node_count() == 1);
  REQUIRE(g->outputs().size() == 2);
  CHECK(g->outputs()[1]->name == "gate");
  CHECK(g->outputs()[1]->is_constant());
  CHECK(output_difference(*before, *g, 4, 1) == 0);
}

TEST_CASE("fold_constants repeats to a fixed point") {
  const passes::PassInfo* info = passes::find_pass("fold_constants");
  REQUIRE(info != nullptr);
  CHECK(info->repeat_until_fixed_point);
}
