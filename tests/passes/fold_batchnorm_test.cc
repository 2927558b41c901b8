// fold_batchnorm: BN folded into Conv/ConvTranspose/Gemm/MatMul weights, lowered to Mul + Add when
// its producer cannot absorb it, and left alone when its parameters are not constants.
#include <catch2/catch.hpp>
#include <cmath>

#include "exec/shape_inference.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

constexpr double kTolerance = 1e-5;

// Adds BatchNormalization(x) with seeded parameters (variance in [0.1, 1.1)); returns the BN node.
ir::Node* add_batchnorm(ir::Graph& g, ir::Value* x, int64_t channels, uint32_t seed, const std::string& out) {
  ir::Tensor var = random_tensor({channels}, seed + 3);
  for (float& v : var.mutable_values<float>()) v = std::fabs(v) + 0.1f;
  ir::Node* bn =
      g.add_node("BatchNormalization",
                 {x, add_random_constant(g, out + "_gamma", {channels}, seed),
                  add_random_constant(g, out + "_beta", {channels}, seed + 1),
                  add_random_constant(g, out + "_mean", {channels}, seed + 2), g.add_constant(out + "_var", var)},
                 {out}, out + "_bn");
  bn->attrs["epsilon"] = 1e-3f;
  return bn;
}

// s and t of the BN, computed here from its constants.
std::pair<std::vector<double>, std::vector<double>> bn_affine(const ir::Graph& g, const std::string& out) {
  const auto gamma = g.find_value(out + "_gamma")->constant().values<float>();
  const auto beta = g.find_value(out + "_beta")->constant().values<float>();
  const auto mean = g.find_value(out + "_mean")->constant().values<float>();
  const auto var = g.find_value(out + "_var")->constant().values<float>();
  std::vector<double> s, t;
  for (size_t c = 0; c < gamma.size(); ++c) {
    s.push_back(gamma[c] / std::sqrt(double(var[c]) + 1e-3));
    t.push_back(beta[c] - mean[c] * s.back());
  }
  return {s, t};
}

// x[1,3,6,6] -> Conv(W[4,3,3,3], no bias) -> BN -> Relu -> y
std::unique_ptr<ir::Graph> conv_bn_graph() {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 6, 6});
  ir::Node* conv = g->add_node("Conv", {x, add_random_constant(*g, "w", {4, 3, 3, 3}, 1)}, {"c"}, "conv");
  conv->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  ir::Node* bn = add_batchnorm(*g, conv->output(0), 4, 10, "b");
  g->add_output(g->add_node("Relu", {bn->output(0)}, {"y"}, "relu")->output(0));
  exec::infer_shapes(*g);
  return g;
}

}  // namespace

TEST_CASE("fold_batchnorm folds BN into a bias-free Conv: scaled weights and a new bias") {
  auto g = conv_bn_graph();
  const auto before = g->clone();
  const auto [s, t] = bn_affine(*g, "b");
  const std::vector<float> w = std::vector<float>(g->find_value("w")->constant().values<float>().begin(),
                                                  g->find_value("w")->constant().values<float>().end());
  const auto summaries = run_passes(*g, "fold_batchnorm");
  CHECK(summaries[0].result.rewrites == 1);
  CHECK(summaries[0].result.declined.empty());
  CHECK(count_ops(*g, "BatchNormalization") == 0);
  CHECK(g->node_count() == 2);
  const ir::Node* conv = g->find_node("conv");
  REQUIRE(conv->inputs().size() == 3);
  const auto w2 = conv->input(1)->constant().values<float>();
  const auto bias = conv->input(2)->constant().values<float>();
  REQUIRE(bias.size() == 4);
  for (int64_t m = 0; m < 4; ++m) {
    CHECK(bias[m] == Approx(t[m]).epsilon(1e-6));
    for (int64_t i : {0, 13, 26}) CHECK(w2[m * 27 + i] == Approx(w[m * 27 + i] * s[m]).epsilon(1e-6));
  }
  CHECK(g->find_node("relu")->input(0) == conv->output(0));
  CHECK(output_difference(*before, *g, 7) < kTolerance);
}

TEST_CASE("fold_batchnorm folds into a depthwise Conv with bias and keeps a graph output's name") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4, 5, 5});
  ir::Node* conv = g->add_node(
      "Conv", {x, add_random_constant(*g, "w", {4, 1, 3, 3}, 2), add_random_constant(*g, "bias", {4}, 3)}, {"c"}, "dw");
  conv->attrs["group"] = int64_t{4};
  g->add_output(add_batchnorm(*g, conv->output(0), 4, 20, "y")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fold_batchnorm");
  CHECK(g->node_count() == 1);
  REQUIRE(g->outputs().size() == 1);
  CHECK(g->outputs()[0]->name == "y");
  CHECK(g->outputs()[0]->producer()->name == "dw");
  CHECK(output_difference(*before, *g, 8) < kTolerance);
}

TEST_CASE("fold_batchnorm folds into a grouped ConvTranspose") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4, 4, 4});
  ir::Node* deconv = g->add_node("ConvTranspose", {x, add_random_constant(*g, "w", {4, 3, 2, 2}, 4)}, {"c"}, "deconv");
  deconv->attrs["group"] = int64_t{2};
  deconv->attrs["strides"] = std::vector<int64_t>{2, 2};
  g->add_output(add_batchnorm(*g, deconv->output(0), 6, 30, "y")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fold_batchnorm");
  CHECK(count_ops(*g, "BatchNormalization") == 0);
  CHECK(g->node_count() == 1);
  CHECK(output_difference(*before, *g, 9) < kTolerance);
}

TEST_CASE("fold_batchnorm folds into Gemm with transB 0 and 1, with and without C") {
  for (int64_t trans_b : {0, 1}) {
    for (bool with_c : {false, true}) {
      DYNAMIC_SECTION("transB=" << trans_b << " C=" << with_c) {
        auto g = new_graph();
        ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 5});
        std::vector<ir::Value*> inputs{x, add_random_constant(*g, "w", trans_b ? ir::Shape{6, 5} : ir::Shape{5, 6}, 5)};
        if (with_c) inputs.push_back(add_random_constant(*g, "c", {6}, 6));
        ir::Node* gemm = g->add_node("Gemm", inputs, {"h"}, "fc");
        gemm->attrs["transB"] = trans_b;
        gemm->attrs["alpha"] = 0.5f;
        gemm->attrs["beta"] = 2.0f;
        g->add_output(
            g->add_node("Relu", {add_batchnorm(*g, gemm->output(0), 6, 40, "b")->output(0)}, {"y"})->output(0));
        exec::infer_shapes(*g);
        const auto before = g->clone();
        run_passes(*g, "fold_batchnorm");
        CHECK(count_ops(*g, "BatchNormalization") == 0);
        const ir::Node* fc = g->find_node("fc");
        REQUIRE(fc->inputs().size() == 3);
        CHECK(fc->input(2)->constant().shape() == ir::Shape{6});
        CHECK_FALSE(fc->has_attr("beta"));
        CHECK(output_difference(*before, *g, 10) < kTolerance);
      }
    }
  }
}

TEST_CASE("fold_batchnorm turns a 2-D MatMul by a constant into a Gemm carrying the BN shift") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 5});
  ir::Node* mm = g->add_node("MatMul", {x, add_random_constant(*g, "w", {5, 3}, 7)}, {"h"}, "mm");
  g->add_output(add_batchnorm(*g, mm->output(0), 3, 50, "y")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fold_batchnorm");
  REQUIRE(g->node_count() == 1);
  const ir::Node* gemm = g->nodes()[0];
  CHECK(gemm->op_type == "Gemm");
  CHECK(gemm->name == "mm");
  CHECK(gemm->output(0)->name == "y");
  CHECK(output_difference(*before, *g, 11) < kTolerance);
}

TEST_CASE("fold_batchnorm lowers a BN without a foldable producer to Mul + Add") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 4, 4});
  ir::Node* relu = g->add_node("Relu", {x}, {"r"}, "relu");
  g->add_output(add_batchnorm(*g, relu->output(0), 3, 60, "y")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto [s, t] = bn_affine(*g, "y");
  const auto summaries = run_passes(*g, "fold_batchnorm");
  CHECK(summaries[0].result.rewrites == 1);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0].find("kept as Mul + Add") != std::string::npos);
  CHECK(count_ops(*g, "BatchNormalization") == 0);
  CHECK(count_ops(*g, "Mul") == 1);
  CHECK(count_ops(*g, "Add") == 1);
  CHECK(g->outputs()[0]->name == "y");
  const ir::Node* add = g->outputs()[0]->producer();
  REQUIRE(add->op_type == "Add");
  const ir::Node* mul = add->input(0)->producer();
  const ir::Tensor& scale = mul->input(1)->constant();
  const ir::Tensor& shift = add->input(1)->constant();
  CHECK(scale.shape() == ir::Shape{3, 1, 1});
  CHECK(shift.shape() == ir::Shape{3, 1, 1});
  for (size_t c = 0; c < 3; ++c) {
    CHECK(scale.values<float>()[c] == Approx(s[c]).epsilon(1e-6));
    CHECK(shift.values<float>()[c] == Approx(t[c]).epsilon(1e-6));
  }
  CHECK(output_difference(*before, *g, 12) < kTolerance);
}

TEST_CASE("fold_batchnorm lowers a BN on [1,C] to Mul + Add with [C] constants") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 6});
  g->add_output(add_batchnorm(*g, x, 6, 70, "y")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fold_batchnorm");
  const ir::Node* add = g->outputs()[0]->producer();
  REQUIRE(add->op_type == "Add");
  CHECK(add->input(1)->constant().shape() == ir::Shape{6});
  CHECK(output_difference(*before, *g, 13) < kTolerance);
}

TEST_CASE("fold_batchnorm must not fold into a Conv whose output has two users") {
  auto g = conv_bn_graph();
  ir::Value* c = g->find_value("c");
  g->add_output(g->add_node("Sigmoid", {c}, {"side"}, "side")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "fold_batchnorm");
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0].find("other users") != std::string::npos);
  const ir::Node* conv = g->find_node("conv");
  CHECK(conv->inputs().size() == 2);  // weights and bias untouched
  CHECK(conv->input(1)->constant() == before->find_value("w")->constant());
  CHECK(count_ops(*g, "Mul") == 1);
  CHECK(output_difference(*before, *g, 14) < kTolerance);
}

TEST_CASE("fold_batchnorm must not fire when BN parameters are not constants") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 3, 3});
  ir::Value* gamma = g->add_input("gamma", ir::DType::Float32, {2});
  ir::Node* conv = g->add_node("Conv", {x, add_random_constant(*g, "w", {2, 2, 1, 1}, 1)}, {"c"}, "conv");
  ir::Node* bn = g->add_node("BatchNormalization",
                             {conv->output(0), gamma, add_random_constant(*g, "beta", {2}, 2),
                              add_random_constant(*g, "mean", {2}, 3), g->add_constant("var", random_tensor({2}, 9))},
                             {"y"}, "bn");
  g->add_output(bn->output(0));
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "fold_batchnorm");
  CHECK(summaries[0].result.rewrites == 0);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0] == "bn: parameters are not float32 constants of one value per channel");
  CHECK(count_ops(*g, "BatchNormalization") == 1);
}

TEST_CASE("fold_batchnorm leaves a weight shared with another Conv untouched") {
  auto g = conv_bn_graph();
  ir::Node* other = g->add_node("Conv", {g->find_value("x"), g->find_value("w")}, {"other"}, "other");
  other->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  g->add_output(other->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fold_batchnorm");
  CHECK(count_ops(*g, "BatchNormalization") == 0);
  CHECK(g->find_value("w")->constant() == before->find_value("w")->constant());
  CHECK(g->find_node("conv")->input(1) != g->find_value("w"));
  CHECK(output_difference(*before, *g, 15) < kTolerance);
}
