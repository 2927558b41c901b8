// ir::same_values: a clone computes every value alike; a changed constant, attribute or input
// name makes its node's outputs and everything after them differ, and nothing before them.
#include <catch2/catch.hpp>

#include <algorithm>

#include "ir/same_values.h"

using namespace tinyc::ir;

namespace {

// x -> Add(w) -> s -> LeakyRelu -> r -> Mul(c) -> y, and x -> Neg -> z.
std::unique_ptr<Graph> chain() {
  auto g = std::make_unique<Graph>();
  Value* x = g->add_input("x", DType::Float32, {1, 3});
  Value* w = g->add_constant("w", Tensor::from_vector<float>({1, 3}, {1, 2, 3}));
  Value* c = g->add_constant("c", Tensor::from_vector<float>({1, 3}, {4, 5, 6}));
  Node* add = g->add_node("Add", {x, w}, {"s"}, "add");
  Node* leaky = g->add_node("LeakyRelu", {add->output(0)}, {"r"}, "leaky");
  leaky->attrs["alpha"] = 0.25f;
  Node* mul = g->add_node("Mul", {leaky->output(0), c}, {"y"}, "mul");
  Node* neg = g->add_node("Neg", {x}, {"z"}, "neg");
  g->add_output(mul->output(0));
  g->add_output(neg->output(0));
  return g;
}

std::vector<std::string> sorted(const std::unordered_set<std::string>& names) {
  std::vector<std::string> v(names.begin(), names.end());
  std::sort(v.begin(), v.end());
  return v;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("same_values: a clone is the same throughout, and each change cuts off what follows it") {
  const auto g = chain();
  CHECK(sorted(same_values(*g, *g->clone())) == Names{"r", "s", "x", "y", "z"});

  auto weights = g->clone();
  weights->set_constant(weights->find_value("c"), Tensor::from_vector<float>({1, 3}, {4, 5, 6.5f}));
  CHECK(sorted(same_values(*g, *weights)) == Names{"r", "s", "x", "z"});

  auto early = g->clone();
  early->set_constant(early->find_value("w"), Tensor::from_vector<float>({1, 3}, {1, 2, 3.5f}));
  CHECK(sorted(same_values(*g, *early)) == Names{"x", "z"});

  auto attribute = g->clone();
  attribute->find_node("leaky")->attrs["alpha"] = 0.5f;
  CHECK(sorted(same_values(*g, *attribute)) == Names{"s", "x", "z"});

  auto renamed = g->clone();
  renamed->rename_value(renamed->find_value("w"), "w2");
  CHECK(sorted(same_values(*g, *renamed)) == Names{"x", "z"});

  auto reshaped = g->clone();
  reshaped->find_value("x")->shape = Shape{2, 3};
  CHECK(same_values(*g, *reshaped).empty());
}
