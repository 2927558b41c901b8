// equalize_cross_layer: consecutive Conv/Gemm layers get equal per-channel weight ranges
// (max|W1[c]| = max|W2[:, c]|) while the graph computes the same; ReLU6 between them is declined;
// on the corpus the folded models keep their outputs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "pass_test_util.h"
#include "passes/default_pipelines.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

constexpr double kTolerance = 1e-5;

void fuse_relu(ir::Node* n, float max = std::numeric_limits<float>::infinity()) {
  n->attrs["fused_activation"] = std::string(max == 6.0f ? "Relu6" : "Relu");
  n->attrs["activation_min"] = 0.0f;
  n->attrs["activation_max"] = max;
}

// max |w| over the elements of `w` (shape [d0, d1, rest...]) with index `c` along `axis` (0 or 1).
double channel_range(const ir::Value* w, int64_t axis, int64_t c) {
  const ir::Shape& s = w->constant().shape();
  const auto v = w->constant().values<float>();
  const int64_t rest = static_cast<int64_t>(v.size()) / (s[0] * s[1]);
  double r = 0;
  for (int64_t i = 0; i < s[0]; ++i)
    for (int64_t j = 0; j < s[1]; ++j)
      if ((axis == 0 ? i : j) == c)
        for (int64_t k = 0; k < rest; ++k) r = std::max(r, std::fabs(double(v[(i * s[1] + j) * rest + k])));
  return r;
}

// x[1,3,6,6] -> Conv(W1[4,3,3,3], b1){clamp} -> h -> Conv(W2[5,4,3,3], b2) -> y
std::unique_ptr<ir::Graph> conv_conv(float clamp_max) {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 6, 6});
  ir::Node* c1 =
      g->add_node("Conv", {x, add_random_constant(*g, "w1", {4, 3, 3, 3}, 1), add_random_constant(*g, "b1", {4}, 2)},
                  {"h"}, "conv1");
  fuse_relu(c1, clamp_max);
  // Make the channel ranges very different, as after BN folding.
  ir::Tensor w1 = c1->input(1)->constant();
  for (int64_t i = 0; i < w1.num_elements(); ++i)
    w1.mutable_values<float>()[i] *= static_cast<float>(1 + 10 * (i / 27));
  g->set_constant(g->find_value("w1"), w1);
  ir::Node* c2 = g->add_node(
      "Conv", {c1->output(0), add_random_constant(*g, "w2", {5, 4, 3, 3}, 3), add_random_constant(*g, "b2", {5}, 4)},
      {"y"}, "conv2");
  c2->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  g->add_output(c2->output(0));
  exec::infer_shapes(*g);
  return g;
}

}  // namespace

TEST_CASE("equalize_cross_layer balances Conv -> Relu -> Conv and keeps the outputs") {
  auto g = conv_conv(std::numeric_limits<float>::infinity());
  const auto before = g->clone();
  const auto s = run_passes(*g, "equalize_cross_layer");
  CHECK(s[0].result.rewrites == 1);
  CHECK(output_difference(*before, *g, 5) < kTolerance);
  for (int64_t c = 0; c < 4; ++c) {
    const double r1 = channel_range(g->find_node("conv1")->input(1), 0, c);
    const double r2 = channel_range(g->find_node("conv2")->input(1), 1, c);
    CHECK(r1 == Approx(r2).epsilon(1e-5));
    // The balanced range is the geometric mean of the two before.
    const double before_r1 = channel_range(before->find_value("w1"), 0, c);
    const double before_r2 = channel_range(before->find_value("w2"), 1, c);
    CHECK(r1 == Approx(std::sqrt(before_r1 * before_r2)).epsilon(1e-5));
  }
  // The bias of the first layer is scaled with its weights.
  const double s0 =
      channel_range(before->find_value("w1"), 0, 0) / channel_range(g->find_node("conv1")->input(1), 0, 0);
  CHECK(g->find_node("conv1")->input(2)->constant().values<float>()[0] ==
        Approx(before->find_value("b1")->constant().values<float>()[0] / s0).epsilon(1e-5));
}

TEST_CASE("equalize_cross_layer declines a ReLU6 between the layers") {
  auto g = conv_conv(6.0f);
  const auto s = run_passes(*g, "equalize_cross_layer");
  CHECK(s[0].result.rewrites == 0);
  REQUIRE(s[0].result.declined.size() == 1);
  CHECK(s[0].result.declined[0].find("conv1") == 0);
  CHECK(s[0].result.declined[0].find("does not commute") != std::string::npos);
  CHECK(g->find_node("conv1")->input(1)->constant() == conv_conv(6.0f)->find_value("w1")->constant());
}

TEST_CASE("equalize_cross_layer balances a chain conv -> depthwise -> maxpool -> pointwise exactly") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 6, 6});
  ir::Node* c0 = g->add_node("Conv", {x, add_random_constant(*g, "w0", {4, 2, 1, 1}, 1)}, {"a"}, "conv0");
  fuse_relu(c0);
  ir::Node* dw = g->add_node(
      "Conv", {c0->output(0), add_random_constant(*g, "wd", {4, 1, 3, 3}, 2), add_random_constant(*g, "bd", {4}, 3)},
      {"d"}, "depthwise");
  dw->attrs["group"] = int64_t{4};
  dw->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  fuse_relu(dw);
  ir::Node* pool = g->add_node("MaxPool", {dw->output(0)}, {"p"}, "pool");
  pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  pool->attrs["strides"] = std::vector<int64_t>{2, 2};
  g->add_output(
      g->add_node("Conv", {pool->output(0), add_random_constant(*g, "wp", {6, 4, 1, 1}, 4)}, {"y"}, "pointwise")
          ->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto s = run_passes(*g, "equalize_cross_layer");
  CHECK(s[0].result.rewrites == 2);
  CHECK(output_difference(*before, *g, 6) < kTolerance);
  for (int64_t c = 0; c < 4; ++c) {
    // The depthwise layer's channel c is its output channel and its (only) input channel.
    const double dw_range = channel_range(g->find_node("depthwise")->input(1), 0, c);
    CHECK(channel_range(g->find_node("conv0")->input(1), 0, c) == Approx(dw_range).epsilon(5e-3));
    CHECK(channel_range(g->find_node("pointwise")->input(1), 1, c) == Approx(dw_range).epsilon(5e-3));
  }
}

TEST_CASE("equalize_cross_layer balances Gemm -> Relu -> Gemm in both weight layouts") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 5});
  ir::Node* fc1 = g->add_node(
      "Gemm", {x, add_random_constant(*g, "w1", {3, 5}, 1), add_random_constant(*g, "b1", {3}, 2)}, {"h"}, "fc1");
  fc1->attrs["transB"] = int64_t{1};
  ir::Value* r = g->add_node("Relu", {fc1->output(0)}, {"r"}, "relu")->output(0);
  g->add_output(g->add_node("Gemm", {r, add_random_constant(*g, "w2", {3, 2}, 3)}, {"y"}, "fc2")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  CHECK(run_passes(*g, "equalize_cross_layer")[0].result.rewrites == 1);
  CHECK(output_difference(*before, *g, 7) < kTolerance);
  for (int64_t c = 0; c < 3; ++c)
    CHECK(channel_range(g->find_node("fc1")->input(1), 0, c) ==
          Approx(channel_range(g->find_node("fc2")->input(1), 0, c)).epsilon(1e-5));
}

TEST_CASE("equalize_cross_layer leaves a layer alone when its output has another reader") {
  auto g = conv_conv(std::numeric_limits<float>::infinity());
  g->add_output(g->find_value("h"));
  const auto s = run_passes(*g, "equalize_cross_layer");
  CHECK(s[0].result.rewrites == 0);
  CHECK(g->find_node("conv1")->input(1)->constant() ==
        conv_conv(std::numeric_limits<float>::infinity())->find_value("w1")->constant());
}

TEST_CASE("equalize_cross_layer keeps every folded corpus model's outputs and declines ReLU6 pairs") {
  for (const auto& [name, info] : test::corpus_manifest().at("models").items()) {
    INFO("model " << name);
    auto imported = onnx_format::import_model_file(test::corpus_model_path(name));
    ir::Graph& g = *imported.graph;
    exec::infer_shapes(g);
    run_passes(g, passes::default_folding_pipeline());
    const auto folded = g.clone();
    const auto s = run_passes(g, "equalize_cross_layer");
    const ir::Tensor rows =
        ir::slice_rows(io::read_npy(test::corpus_dir() / info.at("eval_data").get<std::string>()), 0, 32);
    CHECK(relative_difference(run_float(*folded, {rows}), run_float(g, {rows})) < 1e-4);
    if (name == "fmnist_dscnn") {
      CHECK(s[0].result.rewrites == 0);
      CHECK(s[0].result.declined.size() >= 8);
    }
    if (name == "digits_cnn" || name == "fmnist_mlp" || name == "fmnist_cnn_bn") CHECK(s[0].result.rewrites >= 1);
  }
}
