// fold_affine: per-channel or scalar Mul/Add/Sub/Div by constants absorbed into the Conv/Gemm/MatMul
// before them, and the cases where the constant or the producer does not allow it.
#include <catch2/catch.hpp>
#include <limits>

#include "exec/shape_inference.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

constexpr double kTolerance = 1e-5;

// x[1,2,5,5] -> Conv(W[3,2,3,3], b[3]) -> "c"
ir::Node* add_conv(ir::Graph& g) {
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 2, 5, 5});
  return g.add_node("Conv", {x, add_random_constant(g, "w", {3, 2, 3, 3}, 1), add_random_constant(g, "b", {3}, 2)},
                    {"c"}, "conv");
}

ir::Value* elementwise(ir::Graph& g, const std::string& op, ir::Value* a, ir::Value* b, const std::string& out) {
  return g.add_node(op, {a, b}, {out}, out)->output(0);
}

}  // namespace

TEST_CASE("fold_affine absorbs a per-channel Mul then Add after a Conv") {
  auto g = new_graph();
  ir::Node* conv = add_conv(*g);
  ir::Value* scaled = elementwise(*g, "Mul", conv->output(0), add_random_constant(*g, "k", {3, 1, 1}, 3), "scaled");
  ir::Value* shifted = elementwise(*g, "Add", add_random_constant(*g, "t", {3, 1, 1}, 4), scaled, "y");
  g->add_output(shifted);
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto k = g->find_value("k")->constant().values<float>();
  const auto t = g->find_value("t")->constant().values<float>();
  const auto b = g->find_value("b")->constant().values<float>();
  const std::vector<float> expected_bias{b[0] * k[0] + t[0], b[1] * k[1] + t[1], b[2] * k[2] + t[2]};
  const auto summaries = run_passes(*g, "fold_affine");
  CHECK(summaries[0].result.rewrites == 2);
  REQUIRE(g->node_count() == 1);
  const ir::Node* folded = g->find_node("conv");
  CHECK(folded->output(0)->name == "y");
  const auto bias = folded->input(2)->constant().values<float>();
  for (size_t c = 0; c < 3; ++c) CHECK(bias[c] == Approx(expected_bias[c]).epsilon(1e-6));
  CHECK(output_difference(*before, *g, 1) < kTolerance);
}

TEST_CASE("fold_affine absorbs exporter-style Gemm bias Add, scalar Div and constant-first Sub") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
  ir::Node* gemm = g->add_node("Gemm", {x, add_random_constant(*g, "w", {3, 4}, 5)}, {"h"}, "fc");
  gemm->attrs["transB"] = int64_t{1};
  ir::Value* v = elementwise(*g, "Add", gemm->output(0), add_random_constant(*g, "bias", {3}, 6), "biased");
  v = elementwise(*g, "Div", v, g->add_constant("two", ir::Tensor::scalar(2.0f)), "halved");
  v = elementwise(*g, "Sub", add_random_constant(*g, "c", {1, 3}, 7), v, "y");
  g->add_output(v);
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fold_affine");
  REQUIRE(g->node_count() == 1);
  CHECK(g->nodes()[0]->op_type == "Gemm");
  CHECK(g->nodes()[0]->input(2)->constant().shape() == ir::Shape{3});
  CHECK(output_difference(*before, *g, 2) < kTolerance);
}

TEST_CASE("fold_affine turns MatMul + bias into a Gemm and scales a 3-D MatMul") {
  SECTION("2-D MatMul then Add") {
    auto g = new_graph();
    ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
    ir::Node* mm = g->add_node("MatMul", {x, add_random_constant(*g, "w", {4, 3}, 8)}, {"h"}, "mm");
    g->add_output(elementwise(*g, "Add", mm->output(0), add_random_constant(*g, "bias", {3}, 9), "y"));
    exec::infer_shapes(*g);
    const auto before = g->clone();
    run_passes(*g, "fold_affine");
    REQUIRE(g->node_count() == 1);
    CHECK(g->nodes()[0]->op_type == "Gemm");
    CHECK(g->nodes()[0]->input(2)->constant() == before->find_value("bias")->constant());
    CHECK(output_difference(*before, *g, 3) < kTolerance);
  }
  SECTION("3-D MatMul takes a per-column Mul but not an Add") {
    auto g = new_graph();
    ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 4});
    ir::Node* mm = g->add_node("MatMul", {x, add_random_constant(*g, "w", {4, 3}, 10)}, {"h"}, "mm");
    ir::Value* v = elementwise(*g, "Mul", mm->output(0), add_random_constant(*g, "k", {3}, 11), "scaled");
    g->add_output(elementwise(*g, "Add", v, add_random_constant(*g, "bias", {3}, 12), "y"));
    exec::infer_shapes(*g);
    const auto before = g->clone();
    const auto summaries = run_passes(*g, "fold_affine");
    CHECK(summaries[0].result.rewrites == 1);
    REQUIRE(summaries[0].result.declined.size() == 1);
    CHECK(summaries[0].result.declined[0].find("needs a 2-D input") != std::string::npos);
    CHECK(count_ops(*g, "MatMul") == 1);
    CHECK(count_ops(*g, "Mul") == 0);
    CHECK(count_ops(*g, "Add") == 1);
    CHECK(output_difference(*before, *g, 4) < kTolerance);
  }
}

TEST_CASE("fold_affine must not fire on constants that do not run along the output channels") {
  auto g = new_graph();
  ir::Node* conv = add_conv(*g);
  ir::Value* v = conv->output(0);
  std::string expected_reason;
  SECTION("varies along two axes") {
    v = elementwise(*g, "Mul", v, add_random_constant(*g, "k", {3, 3, 1}, 13), "y");
    expected_reason = "more than one axis";
  }
  SECTION("a [C] vector right-aligns with the width, not the channels") {
    v = elementwise(*g, "Mul", v, add_random_constant(*g, "k", {3}, 14), "y");
    expected_reason = "runs along axis 3";
  }
  SECTION("broadcasting would enlarge the output") {
    v = elementwise(*g, "Add", v, add_random_constant(*g, "k", {2, 3, 1, 1}, 15), "y");
    expected_reason = "changes the output shape";
  }
  SECTION("division by zero") {
    v = elementwise(*g, "Div", v, g->add_constant("k", ir::Tensor::from_vector<float>({3, 1, 1}, {1, 0, 2})), "y");
    expected_reason = "divides by zero";
  }
  g->add_output(v);
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "fold_affine");
  CHECK(summaries[0].result.rewrites == 0);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0].find(expected_reason) != std::string::npos);
  CHECK(g->node_count() == 2);
  CHECK(g->find_value("w")->constant() == before->find_value("w")->constant());
}

TEST_CASE("fold_affine must not fire when the producer has two users or no constant weights") {
  auto g = new_graph();
  SECTION("two users") {
    ir::Node* conv = add_conv(*g);
    g->add_output(g->add_node("Relu", {conv->output(0)}, {"side"})->output(0));
    g->add_output(elementwise(*g, "Mul", conv->output(0), add_random_constant(*g, "k", {3, 1, 1}, 16), "y"));
  }
  SECTION("weights computed at run time") {
    ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
    ir::Value* w = g->add_input("w", ir::DType::Float32, {4, 3});
    ir::Node* mm = g->add_node("MatMul", {x, w}, {"h"}, "mm");
    g->add_output(elementwise(*g, "Mul", mm->output(0), add_random_constant(*g, "k", {3}, 17), "y"));
  }
  exec::infer_shapes(*g);
  const size_t nodes = g->node_count();
  const auto summaries = run_passes(*g, "fold_affine");
  CHECK(summaries[0].result.rewrites == 0);
  CHECK(summaries[0].result.declined.size() == 1);
  CHECK(g->node_count() == nodes);
}

TEST_CASE("fold_affine does not absorb into a producer with a fused activation") {
  auto g = new_graph();
  ir::Node* conv = add_conv(*g);
  conv->attrs["fused_activation"] = std::string("Relu");
  conv->attrs["activation_min"] = 0.0f;
  conv->attrs["activation_max"] = std::numeric_limits<float>::infinity();
  g->add_output(elementwise(*g, "Mul", conv->output(0), add_random_constant(*g, "k", {3, 1, 1}, 18), "y"));
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "fold_affine");
  CHECK(summaries[0].result.rewrites == 0);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0].find("fused activation") != std::string::npos);
}
