// decompose_hard_sigmoid: HardSigmoid becomes Mul, Add and Clip with the same bits, and after a Conv
// the default folding pipeline merges all three into the Conv.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

TEST_CASE("decompose_hard_sigmoid writes Mul, Add and Clip with the same bits, bounds per opset") {
  const int64_t opset = GENERATE(9, 13);
  auto g = new_graph(opset);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {2, 3, 4});
  ir::Node* hs = g->add_node("HardSigmoid", {x}, {"y"}, "hs");
  hs->attrs["alpha"] = 1.0f / 6.0f;
  g->add_output(hs->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "decompose_hard_sigmoid");
  CHECK(summaries[0].result.rewrites == 1);
  CHECK(count_ops(*g, "HardSigmoid") == 0);
  const ir::Node* clip = g->outputs()[0]->producer();
  REQUIRE(clip->op_type == "Clip");
  CHECK(g->outputs()[0]->name == "y");
  CHECK(clip->name == "hs");
  CHECK(clip->has_attr("min") == (opset < 11));
  CHECK(clip->input(0)->producer()->op_type == "Add");
  CHECK(clip->input(0)->producer()->input(0)->producer()->op_type == "Mul");
  // Inputs in [-6, 6) reach both clamps.
  ir::Tensor rows = random_tensor({2, 3, 4}, 5);
  for (float& v : rows.mutable_values<float>()) v *= 6.0f;
  const auto want = run_float(*before, {rows});
  const auto got = run_float(*g, {rows});
  CHECK(got[0] == want[0]);
}

TEST_CASE("after a Conv, the default folding pipeline merges the decomposed HardSigmoid into it") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 5, 5});
  ir::Node* conv = g->add_node("Conv", {x, add_random_constant(*g, "w", {3, 2, 3, 3}, 1), add_random_constant(*g, "b", {3}, 2)},
                               {"c"}, "conv");
  conv->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  g->add_output(g->add_node("HardSigmoid", {conv->output(0)}, {"y"}, "hs")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "decompose_hard_sigmoid,fold_affine,fuse_activation,eliminate_dead");
  CHECK(g->node_count() == 1);
  const ir::Node* merged = g->outputs()[0]->producer();
  CHECK(merged->op_type == "Conv");
  CHECK(merged->attr_float("activation_min", -1) == 0.0f);
  CHECK(merged->attr_float("activation_max", -1) == 1.0f);
  CHECK(output_difference(*before, *g, 3) < 1e-5);
}
