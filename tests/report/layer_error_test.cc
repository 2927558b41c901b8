// Per-layer error on hand-built graphs: name matching, SNR of a known perturbation, dequantized int8
// values, chunked observation, the blamed layer, and names skipped when their meaning changed.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "exec/executor.h"
#include "exec/shape_inference.h"
#include "ir/dequantize.h"
#include "report/layer_error.h"

using namespace tinyc;

namespace {

// x [1,4] -> Mul(w) -> "a" -> Add(b) -> "y" (graph output), with node names "scale" and "shift".
std::unique_ptr<ir::Graph> affine_graph(float w_factor) {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
  ir::Value* w = g->add_constant(
      "w", ir::Tensor::from_vector<float>({4}, {1.0f * w_factor, -2.0f * w_factor, 0.5f * w_factor, 3.0f * w_factor}));
  ir::Value* b = g->add_constant("b", ir::Tensor::from_vector<float>({4}, {10, 10, 10, 10}));
  ir::Node* mul = g->add_node("Mul", {x, w}, {"a"}, "scale");
  ir::Node* add = g->add_node("Add", {mul->output(0), b}, {"y"}, "shift");
  g->add_output(add->output(0));
  exec::infer_shapes(*g);
  return g;
}

report::LayerErrorTable run_both(const ir::Graph& reference, const ir::Graph& compressed, const ir::Tensor& rows) {
  const exec::Executor ref(reference, {1}), comp(compressed, {1});
  report::LayerErrorCollector collector(ref.graph(), comp.graph());
  ref.run({rows}, collector.reference_observer(rows.shape()[0]));
  comp.run({rows}, collector.compressed_observer());
  return collector.finish();
}

const report::LayerError& layer(const report::LayerErrorTable& t, const std::string& name) {
  for (const auto& l : t.layers)
    if (l.name == name) return l;
  FAIL("no layer " << name);
  return t.layers.front();
}

}  // namespace

TEST_CASE("per-layer SNR of a scaled weight, and the layer that adds the error") {
  const auto reference = affine_graph(1.0f), damaged = affine_graph(1.1f);
  const ir::Tensor rows = ir::Tensor::from_vector<float>({2, 4}, {1, 2, 3, 4, -1, 0.5f, 2, -3});
  const report::LayerErrorTable t = run_both(*reference, *damaged, rows);
  REQUIRE(t.layers.size() == 2);
  CHECK(t.layers[0].name == "a");
  CHECK(t.layers[0].node == "scale");
  CHECK(t.layers[0].op == "Mul");
  CHECK(t.layers[0].elements_per_row == 4);
  // a is off by exactly 10 %: SNR = 10·log10(1 / 0.01) = 20 dB.
  CHECK(t.layers[0].snr_db == Approx(20.0).epsilon(1e-4));
  // y = a + 10: the same error on a larger signal.
  double signal = 0, error = 0;
  const std::vector<float> w{1, -2, 0.5f, 3}, x{1, 2, 3, 4, -1, 0.5f, 2, -3};
  for (size_t i = 0; i < x.size(); ++i) {
    const double a = x[i] * w[i % 4];
    signal += (a + 10) * (a + 10);
    error += (0.1 * a) * (0.1 * a);
  }
  CHECK(layer(t, "y").snr_db == Approx(10 * std::log10(signal / error)).epsilon(1e-4));
  // The Add only carries the Mul's error (a lower noise-to-signal ratio): the Mul is to blame.
  CHECK(layer(t, "y").added_snr_db == std::numeric_limits<double>::infinity());
  CHECK(t.layers[0].added_snr_db == Approx(20.0).epsilon(1e-4));
  CHECK(t.worst == 0);
  CHECK(t.skipped.empty());
  for (const auto& l : t.layers) CHECK(l.uncompared_nodes.empty());
}

TEST_CASE("identical graphs have infinite SNR everywhere and no worst layer") {
  const auto g = affine_graph(1.0f);
  const report::LayerErrorTable t = run_both(*g, *g, ir::Tensor::from_vector<float>({1, 4}, {1, 2, 3, 4}));
  REQUIRE(t.layers.size() == 2);
  for (const auto& l : t.layers) CHECK(l.snr_db == std::numeric_limits<double>::infinity());
  CHECK(t.worst == -1);
}

TEST_CASE("a name that now feeds other nodes is skipped, not compared") {
  // As after a fold: the compressed "a" feeds a node the reference "a" does not.
  const auto reference = affine_graph(1.0f);
  auto compressed = std::make_unique<ir::Graph>();
  compressed->opset_imports[""] = 13;
  ir::Value* x = compressed->add_input("x", ir::DType::Float32, {1, 4});
  ir::Node* squash = compressed->add_node("Tanh", {x}, {"a"}, "squash");
  ir::Node* relu = compressed->add_node("Relu", {squash->output(0)}, {"y"}, "rectify");
  compressed->add_output(relu->output(0));
  exec::infer_shapes(*compressed);
  const report::LayerErrorTable t = run_both(*reference, *compressed, ir::Tensor::from_vector<float>({1, 4}, {1, 2, 3, 4}));
  // "y" has the same readers (none: it is the graph output) and is compared; "a" is read by "shift"
  // in one graph and by "rectify" in the other.
  REQUIRE(t.layers.size() == 1);
  CHECK(t.layers[0].name == "y");
  REQUIRE(t.skipped.size() == 1);
  CHECK(t.skipped[0] == "a: read by other nodes in the compressed graph");
  // The row of "y" covers the node whose output was not compared.
  CHECK(t.layers[0].uncompared_nodes == std::vector<std::string>{"squash"});
  CHECK(t.layers[0].node == "rectify");
}

TEST_CASE("int8 values are dequantized with their QuantParams, chunk by chunk") {
  const auto reference = affine_graph(1.0f);
  // The compressed graph as quantize_int8 leaves it: "a" is int8 with scale 0.5, zero point -2.
  auto compressed = std::make_unique<ir::Graph>();
  ir::Value* x = compressed->add_input("x", ir::DType::Float32, {1, 4});
  ir::Node* mul = compressed->add_node("Mul", {x}, {"a"}, "scale");
  ir::Node* add = compressed->add_node("Add", {mul->output(0)}, {"y"}, "shift");
  compressed->add_output(add->output(0));
  mul->output(0)->dtype = ir::DType::Int8;
  mul->output(0)->shape = ir::Shape{1, 4};
  mul->output(0)->quant = ir::QuantParams{{0.5f}, {-2}, 0};
  add->output(0)->dtype = ir::DType::Float32;
  add->output(0)->shape = ir::Shape{1, 4};
  const exec::Executor ref(*reference, {1});

  report::LayerErrorCollector collector(ref.graph(), *compressed);
  CHECK(collector.bytes_per_row() == 2 * 4 * 4);
  // Two chunks of rows; the second chunk observed as two single rows.
  const ir::Tensor rows = ir::Tensor::from_vector<float>({3, 4}, {1, 2, 3, 4, -1, 0.5f, 2, -3, 0, 0, 0, 1});
  // Reference a: [1 -4 1.5 12] [-1 -1 1 -9] [0 0 0 3].
  std::vector<std::vector<int8_t>> quantized{{0, -10, 1, 22}, {-4, -4, 0, -20}, {-2, -2, -2, 4}};
  // q = 2·a − 2 is exact for every element; one element is moved off by one step.
  quantized[1][2] = 1;  // 0.5·(1 + 2) = 1.5 instead of 1: error 0.5
  ref.run({ir::Tensor::from_vector<float>({1, 4}, {1, 2, 3, 4})}, collector.reference_observer(1));
  const ir::Tensor q0 = ir::Tensor::from_vector<int8_t>({1, 4}, quantized[0]);
  collector.compressed_observer()(exec::ObservedValue{"a", q0, 0});
  ref.run({ir::Tensor::from_vector<float>({2, 4}, {-1, 0.5f, 2, -3, 0, 0, 0, 1})}, collector.reference_observer(2));
  const ir::Tensor q1 = ir::Tensor::from_vector<int8_t>({1, 4}, quantized[1]);
  const ir::Tensor q2 = ir::Tensor::from_vector<int8_t>({1, 4}, quantized[2]);
  collector.compressed_observer()(exec::ObservedValue{"a", q2, 1});
  collector.compressed_observer()(exec::ObservedValue{"a", q1, 0});
  const report::LayerErrorTable t = collector.finish();
  REQUIRE(t.layers.size() == 1);  // "y" was never observed in the compressed run
  CHECK(t.layers[0].name == "a");
  const double signal = 1 + 16 + 2.25 + 144 + 1 + 1 + 1 + 81 + 9;
  CHECK(t.layers[0].signal_energy == Approx(signal));
  CHECK(t.layers[0].error_energy == Approx(0.25));
  CHECK(t.layers[0].snr_db == Approx(10 * std::log10(signal / 0.25)));
  REQUIRE(t.skipped.size() == 1);
  CHECK(t.skipped[0].rfind("y: ", 0) == 0);
}

TEST_CASE("dequantize per tensor and per channel") {
  const ir::Tensor q = ir::Tensor::from_vector<int8_t>({2, 3}, {-128, 0, 127, 1, 2, 3});
  CHECK(ir::dequantize(q, {{0.5f}, {-2}, 0}) == std::vector<float>{-63, 1, 64.5f, 1.5f, 2, 2.5f});
  // Per channel along axis 0 (rows) and along axis 1 (columns).
  CHECK(ir::dequantize(q, {{1.0f, 0.25f}, {0, 0}, 0}) == std::vector<float>{-128, 0, 127, 0.25f, 0.5f, 0.75f});
  CHECK(ir::dequantize(q, {{1.0f, 2.0f, 0.5f}, {0, 1, 3}, 1}) == std::vector<float>{-128, -2, 62, 1, 2, 0});
  const ir::Tensor i32 = ir::Tensor::from_vector<int32_t>({2}, {1000, -1000});
  CHECK(ir::dequantize(i32, {{0.001f}, {0}, 0}) == std::vector<float>{1.0f, -1.0f});
  CHECK_THROWS_AS(ir::dequantize(q, {{1.0f, 2.0f}, {0, 0}, 1}), InternalError);
  CHECK_THROWS_AS(ir::dequantize(ir::Tensor::from_vector<float>({1}, {1.0f}), {{1.0f}, {0}, 0}), InternalError);
}
