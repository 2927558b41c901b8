// Head synthesis for data-free ranges: every head op's input gradient against central finite
// differences of the op itself (the executor's kernel), which heads are found, and that the
// synthesized ranges cover the head's values, the same on every run.
#include "calib/head_synthesis.h"

#include <catch2/catch.hpp>
#include <set>

#include "calib/head_gradients.h"
#include "exec/evaluate.h"
#include "exec/shape_inference.h"

using namespace tinyc;
using namespace tinyc::calib;

namespace {

ir::Value* constant(ir::Graph& g, const std::string& name, ir::Shape shape, std::vector<float> values) {
  return g.add_constant(name, ir::Tensor::from_vector<float>(std::move(shape), values));
}

// Distinct values 0.1 apart in a scrambled order, shifted so some are negative: no two within a
// finite-difference step, none near a ReLU's kink at 0.
std::vector<float> spread_values(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = 0.1f * static_cast<float>((i * 7 + 3) % n) - 0.1f * static_cast<float>(n / 2) + 0.05f;
  return v;
}

// The node's inputs: `x` first, then its constants.
std::vector<const ir::Tensor*> node_inputs(const ir::Node& node, const ir::Tensor& x) {
  std::vector<const ir::Tensor*> inputs{&x};
  for (size_t i = 1; i < node.inputs().size(); ++i) inputs.push_back(node.input(i) ? &node.input(i)->constant() : nullptr);
  return inputs;
}

// L(x) = sum dy * op(x) for fixed dy; returns dL/dx by central differences.
std::vector<double> numeric_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& dy) {
  std::vector<const ir::Tensor*> inputs = node_inputs(node, x);
  const auto loss = [&](const ir::Tensor& at) {
    inputs[0] = &at;
    const ir::Tensor y = exec::evaluate_node(node, inputs, 13).front();
    double sum = 0;
    for (size_t i = 0; i < y.values<float>().size(); ++i) sum += static_cast<double>(y.values<float>()[i]) * dy.values<float>()[i];
    return sum;
  };
  constexpr float kStep = 0.01f;
  std::vector<double> grad;
  for (size_t i = 0; i < static_cast<size_t>(x.num_elements()); ++i) {
    ir::Tensor up = x, down = x;
    up.mutable_values<float>()[i] += kStep;
    down.mutable_values<float>()[i] -= kStep;
    grad.push_back((loss(up) - loss(down)) / (2.0 * kStep));
  }
  return grad;
}

// Checks input_gradient of the graph's only node against finite differences.
void check_gradient(ir::Graph& g) {
  exec::infer_shapes(g);
  const ir::Node& node = *g.nodes().front();
  REQUIRE(has_input_gradient(node));
  const ir::Value& in = *g.inputs().front();
  const ir::Tensor x = ir::Tensor::from_vector<float>(*in.shape, spread_values(static_cast<size_t>(ir::num_elements(*in.shape))));
  const ir::Tensor y = exec::evaluate_node(node, node_inputs(node, x), 13).front();
  const ir::Tensor dy = ir::Tensor::from_vector<float>(y.shape(), spread_values(static_cast<size_t>(y.num_elements())));
  const ir::Tensor dx = input_gradient(node, x, y, dy);
  REQUIRE(dx.shape() == x.shape());
  const std::vector<double> expected = numeric_gradient(node, x, dy);
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(node.op_type << " element " << i);
    CHECK(dx.values<float>()[i] == Approx(expected[i]).margin(1e-3));
  }
}

}  // namespace

TEST_CASE("head op input gradients equal central finite differences of the ops") {
  SECTION("Relu, Clip, Flatten, GlobalAveragePool") {
    for (const char* op : {"Relu", "Clip", "Flatten", "GlobalAveragePool"}) {
      ir::Graph g;
      g.opset_imports[""] = 13;
      ir::Value* x = g.add_input("x", ir::DType::Float32, {2, 3, 2, 2});
      std::vector<ir::Value*> inputs{x};
      if (std::string(op) == "Clip")
        inputs = {x, g.add_constant("lo", ir::Tensor::scalar<float>(-0.52f)), g.add_constant("hi", ir::Tensor::scalar<float>(0.48f))};
      g.add_output(g.add_node(op, inputs, {"y"}, "op")->output(0));
      check_gradient(g);
    }
  }
  SECTION("MaxPool with padding and stride") {
    ir::Graph g;
    g.opset_imports[""] = 13;
    ir::Node* pool = g.add_node("MaxPool", {g.add_input("x", ir::DType::Float32, {2, 1, 5, 5})}, {"y"}, "pool");
    pool->attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
    pool->attrs["strides"] = std::vector<int64_t>{2, 2};
    pool->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
    g.add_output(pool->output(0));
    check_gradient(g);
  }
  SECTION("Gemm with transB, alpha and a bias; Gemm without transB; MatMul") {
    for (int variant = 0; variant < 3; ++variant) {
      ir::Graph g;
      g.opset_imports[""] = 13;
      ir::Value* x = g.add_input("x", ir::DType::Float32, {2, 4});
      const std::vector<float> w = spread_values(12);
      ir::Node* n = nullptr;
      if (variant == 0) {
        n = g.add_node("Gemm", {x, constant(g, "w", {3, 4}, w), constant(g, "b", {3}, {0.5f, -1.0f, 2.0f})}, {"y"}, "fc");
        n->attrs["transB"] = int64_t{1};
        n->attrs["alpha"] = 0.5f;
      } else {
        n = g.add_node(variant == 1 ? "Gemm" : "MatMul", {x, constant(g, "w", {4, 3}, w)}, {"y"}, "fc");
      }
      g.add_output(n->output(0));
      check_gradient(g);
    }
  }
}

namespace {

// x[1,2,2,2] -> BN -> b -> Relu -> r -> MaxPool 2x2 -> p -> Flatten -> f -> Gemm(2 -> 3) -> y
std::unique_ptr<ir::Graph> bn_head(bool residual) {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 2, 2});
  ir::Value* b = g->add_node("BatchNormalization",
                             {x, constant(*g, "gamma", {2}, {0.5f, 2.0f}), constant(*g, "beta", {2}, {1.0f, -0.5f}),
                              constant(*g, "mean", {2}, {0.0f, 0.0f}), constant(*g, "var", {2}, {1.0f, 1.0f})},
                             {"b"}, "bn")
                     ->output(0);
  if (residual) b = g->add_node("Add", {b, x}, {"sum"}, "add")->output(0);
  ir::Value* r = g->add_node("Relu", {b}, {"r"}, "relu")->output(0);
  ir::Node* pool = g->add_node("MaxPool", {r}, {"p"}, "pool");
  pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  ir::Value* f = g->add_node("Flatten", {pool->output(0)}, {"f"}, "flatten")->output(0);
  ir::Node* fc = g->add_node("Gemm", {f, constant(*g, "w", {3, 2}, {1, -1, -1, 1, 0.5f, 0.5f})}, {"y"}, "fc");
  fc->attrs["transB"] = int64_t{1};
  g->add_output(fc->output(0));
  exec::infer_shapes(*g);
  return g;
}

}  // namespace

TEST_CASE("head synthesis ranges the head's values after the last BatchNorm, the same on every run") {
  const auto g = bn_head(false);
  HeadSynthesisOptions options;
  options.iterations = 30;
  const RangeMap ranges = synthesize_head_ranges(*g, options);
  std::set<std::string> names;
  for (const auto& [name, range] : ranges) {
    names.insert(name);
    CHECK(range.min <= 0.0f);
    CHECK(range.max > range.min);
  }
  CHECK(names == std::set<std::string>{"r", "p", "f", "y"});
  // The synthesized rows make the head predict every class, so each of the three scores is the
  // largest somewhere: the output's range reaches above 0.
  CHECK(ranges.at("y").max > 0.0f);
  const RangeMap again = synthesize_head_ranges(*g, options);
  REQUIRE(again.size() == ranges.size());
  for (const auto& [name, range] : ranges) {
    CHECK(again.at(name).min == range.min);
    CHECK(again.at(name).max == range.max);
  }
}

TEST_CASE("head synthesis finds no head when the last BatchNorm's output is not a chain into fully connected layers") {
  CHECK(synthesize_head_ranges(*bn_head(true)).empty());  // an Add with a second activation input
  auto g = bn_head(false);
  // Without the Gemm the chain holds no fully connected layer: a pooled feature map, not class scores.
  ir::Node* fc = g->find_node("fc");
  ir::Value* f = g->find_value("f");
  g->replace_all_uses(fc->output(0), f);
  g->erase_node(fc);
  exec::infer_shapes(*g);
  CHECK(synthesize_head_ranges(*g).empty());
}
