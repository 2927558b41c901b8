// lift_1d: 1-D convs and pools become 2-D ones over a height of 1, the layers between them stay 2-D,
// and the float executor gives the same bits before and after.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "graphs_1d.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

using Ints = std::vector<int64_t>;

// The window and elementwise ops of g read and write rank-4 values.
void check_window_ops_are_2d(const ir::Graph& g) {
  for (const ir::Node* n : g.nodes()) {
    if (n->op_type == "Conv" || n->op_type == "MaxPool" || n->op_type == "AveragePool" ||
        n->op_type == "GlobalAveragePool" || n->op_type == "Add" || n->op_type == "Mul" || n->op_type == "Relu") {
      INFO(n->name);
      CHECK(n->input(0)->shape->size() == 4);
      CHECK(n->output(0)->shape->size() == 4);
    }
  }
}

// Bit-equal float outputs of both graphs on seeded rows.
void check_same_bits(const ir::Graph& before, const ir::Graph& after) {
  const ir::Tensor x = random_tensor(*before.inputs()[0]->shape, 7);
  const auto expected = run_float(before, {x});
  const auto got = run_float(after, {x});
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == expected[i]);
}

}  // namespace

TEST_CASE("lift_1d runs a 1-D classifier as 2-D layers with one Unsqueeze and the same bits") {
  const int64_t opset = GENERATE(11, 13);
  auto g = classifier_1d(opset);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "lift_1d");
  CHECK(summaries[0].result.rewrites == 10);  // 3 Conv, 2 pools, GAP, 2 Relu, Add, Mul
  CHECK(count_ops(*g, "Unsqueeze") == 1);
  CHECK(count_ops(*g, "Squeeze") == 0);  // Flatten reads GAP's (N, C, 1, 1) directly
  check_window_ops_are_2d(*g);
  const ir::Node* c1 = g->find_node("c1");
  REQUIRE(c1);
  CHECK(c1->attr_ints("pads", {}) == Ints{0, 2, 0, 2});
  CHECK(*c1->input(1)->shape == ir::Shape{8, 3, 1, 5});
  CHECK(g->find_node("c2")->attr_ints("dilations", {}) == Ints{1, 2});
  CHECK(g->find_node("avg")->attr_ints("kernel_shape", {}) == Ints{1, 3});
  CHECK(*g->find_value("scaled")->shape == ir::Shape{1, 8, 1, 16});  // names stay on the lifted values
  CHECK(*g->find_node("mul")->input(1)->shape == ir::Shape{8, 1, 1});
  const ir::Node* unsqueeze = g->find_value("x")->uses().at(0).node;
  CHECK(unsqueeze->op_type == "Unsqueeze");
  CHECK(unsqueeze->has_attr("axes") == (opset < 13));
  check_same_bits(*before, *g);
}

TEST_CASE("lift_1d keeps a rank-3 model output and its name, and lifts ConvTranspose and Concat") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 1, 24});
  ir::Node* enc = conv1d(*g, x, {4, 1, 3}, "enc", 1);
  enc->attrs["strides"] = Ints{2};
  enc->attrs["pads"] = Ints{1, 1};
  ir::Node* side = conv1d(*g, x, {2, 1, 2}, "side", 2);
  side->attrs["strides"] = Ints{2};
  ir::Node* cat = g->add_node("Concat", {enc->output(0), side->output(0)}, {"cat"}, "cat");
  cat->attrs["axis"] = int64_t{-2};
  ir::Node* dec = g->add_node("ConvTranspose", {cat->output(0), add_random_constant(*g, "dec_w", {6, 1, 3}, 3)},
                              {"y"}, "dec");
  dec->attrs["strides"] = Ints{2};
  dec->attrs["pads"] = Ints{1, 1};
  dec->attrs["output_padding"] = Ints{1};
  g->add_output(dec->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "lift_1d");
  CHECK(g->find_node("cat")->attr_int("axis", 0) == -3);
  CHECK(g->find_node("dec")->attr_ints("output_padding", {}) == Ints{0, 1});
  REQUIRE(g->outputs().size() == 1);
  CHECK(g->outputs()[0]->name == "y");
  CHECK(*g->outputs()[0]->shape == ir::Shape{1, 1, 24});
  CHECK(g->outputs()[0]->producer()->op_type == "Squeeze");
  CHECK(count_ops(*g, "Squeeze") == 1);
  check_same_bits(*before, *g);
}

TEST_CASE("lift_1d leaves 2-D layers, a used MaxPool Indices output and a rank-3 activation operand alone") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 10});
  ir::Node* pool = g->add_node("MaxPool", {x}, {"pool", "indices"}, "pool");
  pool->attrs["kernel_shape"] = Ints{2};
  ir::Value* other = g->add_input("other", ir::DType::Float32, {1, 2, 9});
  ir::Node* conv = conv1d(*g, other, {2, 2, 1}, "conv", 1);
  ir::Node* add = g->add_node("Add", {conv->output(0), other}, {"sum"}, "add");
  g->add_output(pool->output(0));
  g->add_output(pool->output(1));
  g->add_output(add->output(0));
  ir::Value* image = g->add_input("image", ir::DType::Float32, {1, 2, 4, 4});
  g->add_output(conv1d(*g, image, {3, 2, 3, 3}, "conv2d", 2)->output(0));
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "lift_1d");
  CHECK(summaries[0].result.rewrites == 1);  // the 1-D conv only
  CHECK(summaries[0].result.declined.size() == 1);
  CHECK(g->find_node("pool")->input(0) == g->find_value("x"));
  CHECK(g->find_node("add")->input(0)->producer()->op_type == "Squeeze");
  CHECK(g->find_node("conv2d")->attr_ints("pads", {0, 0, 0, 0}) == Ints{0, 0, 0, 0});
  CHECK(*g->find_node("conv2d")->input(1)->shape == ir::Shape{3, 2, 3, 3});
}
