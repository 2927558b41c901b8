// Head synthesis for data-free ranges: which heads are found, and that the synthesized ranges
// cover the head's values, the same on every run.
#include "calib/head_synthesis.h"

#include <catch2/catch.hpp>
#include <set>

#include "exec/shape_inference.h"

using namespace tinyc;
using namespace tinyc::calib;

namespace {

ir::Value* constant(ir::Graph& g, const std::string& name, ir::Shape shape, std::vector<float> values) {
  return g.add_constant(name, ir::Tensor::from_vector<float>(std::move(shape), values));
}

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
