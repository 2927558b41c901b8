// bias_correction: the bias moves by the mean output error of the int8-rounded weights on the
// calibration rows, computed here independently, so the rounded layer's mean output matches the
// float layer's; a MatMul becomes a Gemm to take the bias; no calibration data is an input error.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "exec/shape_inference.h"
#include "pass_test_util.h"
#include "passes/pass_context.h"
#include "passes/pipeline.h"
#include "passes/rewrite_util.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

passes::PassResult correct(ir::Graph& g, passes::PassContext& context, const std::string& options = "") {
  return passes::run_pipeline(
             g, passes::parse_pipeline("bias_correction" + (options.empty() ? "" : "(" + options + ")")), {}, &context)
      .front()
      .result;
}

// Calibration rows in [0, 1), so the mean input is far from 0 and the correction is visible.
ir::Tensor positive_rows(ir::Shape shape, uint32_t seed) {
  ir::Tensor t = random_tensor(shape, seed);
  for (float& v : t.mutable_values<float>()) v = std::fabs(v);
  return t;
}

// Weights rounded as int8 symmetric per group of `per_scale` consecutive elements (a row or a
// whole tensor): s = max|w| / 127, w' = s * round(w / s).
std::vector<double> rounded(const std::vector<float>& w, size_t per_scale) {
  std::vector<double> out(w.size());
  for (size_t begin = 0; begin < w.size(); begin += per_scale) {
    float max_abs = 0;
    for (size_t i = begin; i < begin + per_scale; ++i) max_abs = std::max(max_abs, std::fabs(w[i]));
    const float s = max_abs / 127.0f;
    for (size_t i = begin; i < begin + per_scale; ++i) out[i] = s * std::round(w[i] / s);
  }
  return out;
}

std::vector<float> floats(const ir::Value* v) {
  const auto values = v->constant().values<float>();
  return {values.begin(), values.end()};
}

// x[1,16] -> Gemm(W[8,16], b[8], transB = 1) -> y
std::unique_ptr<ir::Graph> gemm_graph() {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 16});
  ir::Node* fc = g->add_node(
      "Gemm", {x, add_random_constant(*g, "w", {8, 16}, 1), add_random_constant(*g, "b", {8}, 2)}, {"y"}, "fc");
  fc->attrs["transB"] = int64_t{1};
  g->add_output(fc->output(0));
  exec::infer_shapes(*g);
  return g;
}

// The expected Gemm bias: b - (W' - W) * mean(x), with W' rounded per `per_scale` elements.
std::vector<double> expected_gemm_bias(const ir::Graph& g, const ir::Tensor& rows, size_t per_scale) {
  const std::vector<float> w = floats(g.find_value("w")), b = floats(g.find_value("b"));
  const std::vector<double> wq = rounded(w, per_scale);
  std::vector<double> mean(16, 0.0);
  const auto x = rows.values<float>();
  const int64_t n = rows.shape()[0];
  for (int64_t r = 0; r < n; ++r)
    for (int k = 0; k < 16; ++k) mean[k] += x[r * 16 + k] / static_cast<double>(n);
  std::vector<double> expected(8);
  for (int c = 0; c < 8; ++c) {
    double error = 0;
    for (int k = 0; k < 16; ++k) error += (wq[c * 16 + k] - w[c * 16 + k]) * mean[k];
    expected[c] = b[c] - error;
  }
  return expected;
}

}  // namespace

TEST_CASE("bias_correction subtracts the mean error of the rounded weights from a Gemm bias") {
  for (const bool per_channel : {true, false}) {
    INFO("per_channel " << per_channel);
    auto g = gemm_graph();
    const std::vector<float> weights = floats(g->find_value("w"));
    passes::PassContext context;
    context.calibration_inputs.push_back(positive_rows({64, 16}, 3));
    const std::vector<double> expected =
        expected_gemm_bias(*g, context.calibration_inputs[0], per_channel ? 16 : 8 * 16);
    const auto r = correct(*g, context, per_channel ? "" : "weight_scales=fc_per_tensor");
    CHECK(r.rewrites == 1);
    const auto bias = g->find_node("fc")->input(2)->constant().values<float>();
    for (int c = 0; c < 8; ++c) CHECK(bias[c] == Approx(expected[c]).margin(1e-6));
    CHECK(floats(g->find_node("fc")->input(1)) == weights);  // only the bias changes
  }
}

TEST_CASE("after bias_correction a Conv with rounded weights has the float Conv's mean output per channel") {
  // x[1,2,5,5] -> Conv(W[3,2,3,3], no bias, pads 1){Relu} -> y
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 5, 5});
  ir::Node* conv = g->add_node("Conv", {x, add_random_constant(*g, "w", {3, 2, 3, 3}, 4)}, {"y"}, "conv");
  conv->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  conv->attrs["activation_min"] = 0.0f;
  conv->attrs["activation_max"] = std::numeric_limits<float>::infinity();
  conv->attrs["fused_activation"] = std::string("Relu");
  g->add_output(conv->output(0));
  exec::infer_shapes(*g);
  const std::vector<float> w = floats(g->find_value("w"));
  passes::PassContext context;
  context.calibration_inputs.push_back(positive_rows({32, 2, 5, 5}, 5));
  CHECK(correct(*g, context).rewrites == 1);
  REQUIRE(g->find_node("conv")->inputs().size() == 3);
  const std::vector<float> bias = floats(g->find_node("conv")->input(2));

  // The same Conv without clamp: float weights and no bias, against rounded weights and the new bias.
  const auto plain_conv = [&](const std::vector<double>& weights, const std::vector<float>& b) {
    auto p = new_graph();
    ir::Value* in = p->add_input("x", ir::DType::Float32, {1, 2, 5, 5});
    std::vector<ir::Value*> inputs{in, p->add_constant("w", passes::float_tensor({3, 2, 3, 3}, weights))};
    if (!b.empty()) inputs.push_back(p->add_constant("b", ir::Tensor::from_vector<float>({3}, b)));
    p->add_node("Conv", inputs, {"y"}, "conv")->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
    p->add_output(p->find_value("y"));
    exec::infer_shapes(*p);
    return run_float(*p, context.calibration_inputs).front();
  };
  const ir::Tensor reference = plain_conv(std::vector<double>(w.begin(), w.end()), {});
  const ir::Tensor corrected = plain_conv(rounded(w, 18), bias);
  const auto channel_means = [](const ir::Tensor& t) {
    std::vector<double> m(3, 0.0);
    const auto v = t.values<float>();
    for (size_t i = 0; i < v.size(); ++i) m[(i / 25) % 3] += v[i] / (32.0 * 25.0);
    return m;
  };
  const std::vector<double> want = channel_means(reference), got = channel_means(corrected);
  for (int c = 0; c < 3; ++c) CHECK(got[c] == Approx(want[c]).margin(1e-5));
  const std::vector<double> uncorrected = channel_means(plain_conv(rounded(w, 18), {0.0f, 0.0f, 0.0f}));
  double shift = 0;
  for (int c = 0; c < 3; ++c) shift = std::max(shift, std::fabs(uncorrected[c] - want[c]));
  CHECK(shift > 1e-5);  // there was an error to correct
}

TEST_CASE("bias_correction turns a MatMul into a Gemm that takes the bias") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 6});
  g->add_output(g->add_node("MatMul", {x, add_random_constant(*g, "w", {6, 4}, 6)}, {"y"}, "mm")->output(0));
  exec::infer_shapes(*g);
  passes::PassContext context;
  context.calibration_inputs.push_back(positive_rows({16, 6}, 7));
  CHECK(correct(*g, context).rewrites == 1);
  CHECK(count_ops(*g, "MatMul") == 0);
  const ir::Node* gemm = g->find_node("mm");
  REQUIRE(gemm);
  CHECK(gemm->op_type == "Gemm");
  CHECK(gemm->output(0)->name == "y");
  CHECK(gemm->input(2)->constant().shape() == ir::Shape{4});
}

TEST_CASE("bias_correction without calibration data is an input error") {
  auto g = gemm_graph();
  passes::PassContext none;
  CHECK(test::input_error_of([&] { correct(*g, none); }).find("--calib") != std::string::npos);
}
