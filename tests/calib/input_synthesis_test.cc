// Input synthesis for pruning without data: rows stay in the input range, come out the same on
// every run and for any thread count, bring each BatchNorm's input statistics to the ones the BatchNorm holds (far closer
// than the uniform rows they start from) and are predicted as the classes they aim at; models it
// cannot serve are refused by name.
#include "calib/input_synthesis.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "exec/capture.h"
#include "exec/shape_inference.h"
#include "ir/error.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::calib;

namespace {

ir::Value* constant(ir::Graph& g, const std::string& name, ir::Shape shape, std::vector<float> values) {
  return g.add_constant(name, ir::Tensor::from_vector<float>(std::move(shape), values));
}

// Training rows for the small classifier: smooth ramps at different heights and slopes.
ir::Tensor training_rows() {
  ir::Tensor rows(ir::DType::Float32, {8, 1, 6, 6});
  auto v = rows.mutable_values<float>();
  for (size_t r = 0; r < 8; ++r)
    for (size_t i = 0; i < 36; ++i)
      v[r * 36 + i] = 0.1f * static_cast<float>(r) + 0.05f * static_cast<float>(i % 6) * (r % 2 ? 1.0f : -1.0f);
  return rows;
}

// Channel statistics (axis 1) of a [rows, 2, 6, 6] value: mean and sd per channel.
std::pair<std::vector<double>, std::vector<double>> channel_statistics(const ir::Tensor& c) {
  const auto v = c.values<float>();
  const size_t n = static_cast<size_t>(c.shape()[0]), plane = 36;
  std::vector<double> mean(2), sd(2);
  for (size_t ch = 0; ch < 2; ++ch) {
    double sum = 0, squares = 0;
    for (size_t r = 0; r < n; ++r)
      for (size_t i = 0; i < plane; ++i) {
        const double x = v[(r * 2 + ch) * plane + i];
        sum += x;
        squares += x * x;
      }
    mean[ch] = sum / static_cast<double>(n * plane);
    sd[ch] = std::sqrt(squares / static_cast<double>(n * plane) - mean[ch] * mean[ch]);
  }
  return {mean, sd};
}

// x[1,1,6,6] -> Conv 3x3 (2 channels, pad 1) -> c -> BN (the statistics c has on training_rows())
// -> Relu -> GlobalAveragePool -> Flatten -> Gemm (2 -> 3 classes) -> y
std::unique_ptr<ir::Graph> small_classifier() {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 1, 6, 6});
  ir::Node* conv = g->add_node(
      "Conv", {x, constant(*g, "w", {2, 1, 3, 3}, {0.1f, 0.2f, 0.1f, 0.0f, 0.3f, 0.0f, 0.1f, 0.2f, 0.1f,  //
                                                   -0.2f, 0.1f, 0.3f, -0.1f, 0.2f, 0.1f, 0.0f, -0.3f, 0.2f})},
      {"c"}, "conv");
  conv->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  ir::Value* b = g->add_node("BatchNormalization",
                             {conv->output(0), constant(*g, "gamma", {2}, {1.0f, 1.0f}),
                              constant(*g, "beta", {2}, {0.0f, 0.0f}), constant(*g, "mean", {2}, {0.0f, 0.0f}),
                              constant(*g, "var", {2}, {1.0f, 1.0f})},
                             {"b"}, "bn")
                     ->output(0);
  ir::Value* r = g->add_node("Relu", {b}, {"r"}, "relu")->output(0);
  ir::Value* p = g->add_node("GlobalAveragePool", {r}, {"p"}, "pool")->output(0);
  ir::Value* f = g->add_node("Flatten", {p}, {"f"}, "flatten")->output(0);
  ir::Node* fc = g->add_node("Gemm", {f, constant(*g, "fw", {3, 2}, {2, -1, -1, 2, 1, 1}), constant(*g, "fb", {3}, {0, 0, -1})},
                             {"y"}, "fc");
  fc->attrs["transB"] = int64_t{1};
  g->add_output(fc->output(0));
  exec::infer_shapes(*g);
  const auto [mean, sd] = channel_statistics(exec::capture_values(*g, {training_rows()}, {"c"}, {}).front());
  ir::Node* bn = g->find_node("bn");
  g->set_constant(bn->input(3), ir::Tensor::from_vector<float>({2}, {static_cast<float>(mean[0]), static_cast<float>(mean[1])}));
  g->set_constant(bn->input(4), ir::Tensor::from_vector<float>({2}, {static_cast<float>(sd[0] * sd[0]), static_cast<float>(sd[1] * sd[1])}));
  return g;
}

// Mean over the BatchNorm's channels of ((m - mean)^2 + (s - sd)^2) / sd^2 for the rows' Conv output.
double statistics_mismatch(const ir::Graph& g, const ir::Tensor& rows) {
  const auto [m, s] = channel_statistics(exec::capture_values(g, {rows}, {"c"}, {}).front());
  const auto [mean, sd] = channel_statistics(exec::capture_values(g, {training_rows()}, {"c"}, {}).front());
  double mismatch = 0;
  for (size_t ch = 0; ch < 2; ++ch)
    mismatch += ((m[ch] - mean[ch]) * (m[ch] - mean[ch]) + (s[ch] - sd[ch]) * (s[ch] - sd[ch])) / (sd[ch] * sd[ch]) / 2;
  return mismatch;
}

}  // namespace

TEST_CASE("synthesized rows match the BatchNorm statistics, stay in the input range and repeat exactly") {
  const auto g = small_classifier();
  InputSynthesisOptions options;
  options.rows = 12;
  options.batch = 6;
  options.input_min = -1.0f;
  options.input_max = 2.0f;
  options.iterations = 0;
  const ir::Tensor start = synthesize_input_rows(*g, options);
  options.iterations = 300;
  const ir::Tensor rows = synthesize_input_rows(*g, options);
  REQUIRE(rows.shape() == ir::Shape{12, 1, 6, 6});
  // The same rows again, whether the two batches run on one thread or on two.
  for (int threads : {1, 2}) {
    options.threads = threads;
    const ir::Tensor again = synthesize_input_rows(*g, options);
    CHECK(std::equal(again.bytes().begin(), again.bytes().end(), rows.bytes().begin(), rows.bytes().end()));
  }
  for (float v : rows.values<float>()) {
    CHECK(v >= -1.0f);
    CHECK(v <= 2.0f);
  }
  // The class term pulls some rows away from the statistics; alone, the statistics are met exactly.
  const double before = statistics_mismatch(*g, start), after = statistics_mismatch(*g, rows);
  INFO("mismatch before " << before << ", after " << after);
  CHECK(before > 0.5);
  CHECK(after < 0.1 * before);
  options.class_weight = 0;
  CHECK(statistics_mismatch(*g, synthesize_input_rows(*g, options)) < 1e-4);
  // Row r aims at class r mod 3: every class is predicted for some row.
  const ir::Tensor scores = exec::capture_values(*g, {rows}, {"y"}, {}).front();
  std::set<int> predicted;
  for (int r = 0; r < 12; ++r) {
    const auto row = scores.values<float>().subspan(static_cast<size_t>(3 * r), 3);
    predicted.insert(static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin()));
  }
  CHECK(predicted.size() == 3);
}

TEST_CASE("input synthesis refuses models it cannot serve, naming what is missing") {
  SECTION("no BatchNormalization") {
    auto g = small_classifier();
    ir::Node* bn = g->find_node("bn");
    g->replace_all_uses(bn->output(0), g->find_value("c"));
    g->erase_node(bn);
    exec::infer_shapes(*g);
    REQUIRE_THROWS_AS(synthesize_input_rows(*g), InputError);
    REQUIRE_THROWS_WITH(synthesize_input_rows(*g), Catch::Contains("BatchNormalization statistics"));
  }
  SECTION("an op without a gradient between the input and a BatchNorm") {
    auto g = small_classifier();
    ir::Node* conv = g->find_node("conv");
    ir::Value* squared = g->add_node("Mul", {g->inputs()[0], g->inputs()[0]}, {"sq"}, "square")->output(0);
    g->set_node_input(conv, 0, squared);
    g->sort_topologically();
    exec::infer_shapes(*g);
    REQUIRE_THROWS_WITH(synthesize_input_rows(*g), Catch::Contains("Mul ('square')"));
  }
  SECTION("two inputs, or an empty input range") {
    auto g = small_classifier();
    InputSynthesisOptions empty_range;
    empty_range.input_min = empty_range.input_max = 1.0f;
    REQUIRE_THROWS_WITH(synthesize_input_rows(*g, empty_range), Catch::Contains("MIN < MAX"));
    g->add_input("extra", ir::DType::Float32, {1, 2});
    REQUIRE_THROWS_WITH(synthesize_input_rows(*g), Catch::Contains("single float32 input"));
  }
}
