// Data-free ranges: BN statistics give beta +- 6|gamma| clipped by the activation, linear layers
// propagate means and variances, the names folding keeps find their ranges, ops without a rule are
// input errors, and a classifier head takes the synthesized ranges.
#include "calib/data_free.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "exec/shape_inference.h"
#include "passes/default_pipelines.h"
#include "passes/pass_manager.h"
#include "passes/pipeline.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::calib;

namespace {

// The propagation alone: these tests check its rules, head_synthesis_test.cc the synthesized head.
DataFreeOptions propagation_only() {
  DataFreeOptions options;
  options.synthesize_head = false;
  return options;
}

ir::Value* constant(ir::Graph& g, const std::string& name, ir::Shape shape, std::vector<float> values) {
  return g.add_constant(name, ir::Tensor::from_vector<float>(std::move(shape), values));
}

// x[1,1,4,4] -> Conv(2 channels, no bias) -> c -> BN(gamma, beta) -> b -> Relu -> r -> Flatten -> f
//   -> Gemm(W[3,32], bias) -> y
std::unique_ptr<ir::Graph> conv_bn_relu_gemm() {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 1, 4, 4});
  ir::Value* w = constant(*g, "w", {2, 1, 1, 1}, {1.0f, -2.0f});
  ir::Value* c = g->add_node("Conv", {x, w}, {"c"}, "conv")->output(0);
  ir::Value* b = g->add_node("BatchNormalization",
                             {c, constant(*g, "gamma", {2}, {0.5f, -2.0f}), constant(*g, "beta", {2}, {1.0f, -3.0f}),
                              constant(*g, "mean", {2}, {0.0f, 0.0f}), constant(*g, "var", {2}, {1.0f, 1.0f})},
                             {"b"}, "bn")
                     ->output(0);
  ir::Value* r = g->add_node("Relu", {b}, {"r"}, "relu")->output(0);
  ir::Value* f = g->add_node("Flatten", {r}, {"f"}, "flatten")->output(0);
  // Unit 0 reads feature 0 (channel 0) with weight 1, unit 1 feature 16 (channel 1) with weight 2,
  // unit 2 nothing.
  std::vector<float> gw(3 * 32, 0.0f);
  gw[0] = 1.0f;
  gw[32 + 16] = 2.0f;
  ir::Node* gemm = g->add_node(
      "Gemm", {f, constant(*g, "gw", {3, 32}, gw), constant(*g, "gb", {3}, {0.5f, 0.0f, -1.0f})}, {"y"}, "fc");
  gemm->attrs["transB"] = int64_t{1};
  g->add_output(gemm->output(0));
  exec::infer_shapes(*g);
  return g;
}

// Mean and standard deviation of max(X, 0) for X ~ N(mean, sd^2), by numeric integration.
std::pair<double, double> rectified_moments(double mean, double sd) {
  double m1 = 0, m2 = 0;
  const double step = sd / 2000;
  for (double x = 0; x < mean + 12 * sd; x += step) {
    const double z = (x + step / 2 - mean) / sd;
    const double p = std::exp(-0.5 * z * z) / (sd * std::sqrt(2 * std::numbers::pi)) * step;
    m1 += (x + step / 2) * p;
    m2 += (x + step / 2) * (x + step / 2) * p;
  }
  return {m1, std::sqrt(m2 - m1 * m1)};
}

}  // namespace

TEST_CASE("data-free ranges: a BN channel covers beta +- 6|gamma|") {
  // x -> Conv -> c -> BN -> b (the graph output, so nothing folds or fuses into it)
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 1, 4, 4});
  ir::Value* c = g->add_node("Conv", {x, constant(*g, "w", {2, 1, 1, 1}, {1.0f, -2.0f})}, {"c"}, "conv")->output(0);
  g->add_output(g->add_node("BatchNormalization",
                            {c, constant(*g, "gamma", {2}, {0.5f, -2.0f}), constant(*g, "beta", {2}, {1.0f, -3.0f}),
                             constant(*g, "mean", {2}, {0.0f, 0.0f}), constant(*g, "var", {2}, {1.0f, 1.0f})},
                            {"b"}, "bn")
                    ->output(0));
  exec::infer_shapes(*g);
  const RangeMap r = data_free_ranges(*g, propagation_only());
  // Channel 0: 1 +- 3 -> [-2, 4]; channel 1: -3 +- 12 -> [-15, 9].
  CHECK(r.at("b").min == Approx(-15.0f));
  CHECK(r.at("b").max == Approx(9.0f));
  CHECK(r.at("b").method == Method::DataFree);
  CHECK(r.at("x").min == 0.0f);            // the assumed input range
  CHECK(r.at("x").max == 1.0f);
}

TEST_CASE("data-free ranges: a ReLU after the BN cuts the range, and pooling keeps it") {
  const auto g = conv_bn_relu_gemm();
  const RangeMap r = data_free_ranges(*g, propagation_only());
  CHECK(r.at("r").min == 0.0f);
  CHECK(r.at("r").max == Approx(9.0f));
  CHECK(r.at("f").max == Approx(9.0f));
}

TEST_CASE("data-free ranges propagate rectified moments through a Gemm") {
  const auto g = conv_bn_relu_gemm();
  const RangeMap r = data_free_ranges(*g, propagation_only());
  // Unit 0 is 0.5 + relu(b0), unit 1 is 2 * relu(b1), unit 2 its bias -1.
  const auto [m0, s0] = rectified_moments(1.0, 0.5);
  const auto [m1, s1] = rectified_moments(-3.0, 2.0);
  const double lo = std::min({0.5 + m0 - 6 * s0, 2 * m1 - 6 * 2 * s1, -1.0});
  const double hi = std::max({0.5 + m0 + 6 * s0, 2 * m1 + 6 * 2 * s1, -1.0});
  CHECK(r.at("y").min == Approx(std::min(lo, 0.0)).epsilon(1e-3));
  CHECK(r.at("y").max == Approx(hi).epsilon(1e-3));
}

TEST_CASE("data-free ranges cover every activation of the folded graph under its surviving name") {
  auto g = conv_bn_relu_gemm();
  const RangeMap r = data_free_ranges(*g, propagation_only());
  passes::run_pipeline(*g, passes::parse_pipeline(passes::default_folding_pipeline()));
  REQUIRE(g->node_count() == 3);  // Conv{Relu}, Flatten, Gemm
  for (const ir::Node* n : g->nodes()) {
    INFO(n->output(0)->name);
    CHECK(r.count(n->output(0)->name) == 1);
  }
  CHECK(r.at(g->find_node("conv")->output(0)->name).max == Approx(9.0f));
}

TEST_CASE("data-free ranges reject ops without a statistics rule and bad input ranges") {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
  g->add_output(g->add_node("LeakyRelu", {x}, {"y"}, "leaky")->output(0));
  exec::infer_shapes(*g);
  CHECK(test::input_error_of([&] { data_free_ranges(*g); }).find("LeakyRelu") != std::string::npos);
  DataFreeOptions bad;
  bad.input_min = 2.0f;
  bad.input_max = 1.0f;
  CHECK(test::input_error_of([&] { data_free_ranges(*g, bad); }).find("input range") != std::string::npos);
}

TEST_CASE("data-free ranges take a classifier head's ranges from synthesis and keep the rest") {
  const auto g = conv_bn_relu_gemm();
  const RangeMap propagated = data_free_ranges(*g, propagation_only());
  const RangeMap synthesized = synthesize_head_ranges(*g);
  const RangeMap r = data_free_ranges(*g);
  for (const char* name : {"x", "c", "b"}) {
    CHECK(r.at(name).min == propagated.at(name).min);
    CHECK(r.at(name).max == propagated.at(name).max);
  }
  for (const char* name : {"r", "f", "y"}) {
    CHECK(r.at(name).min == std::min(synthesized.at(name).min, 0.0f));
    CHECK(r.at(name).max == std::max(synthesized.at(name).max, 0.0f));
    CHECK(r.at(name).method == Method::DataFree);
  }
}
