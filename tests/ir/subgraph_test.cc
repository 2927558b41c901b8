// ir::subgraph: the cut holds exactly the nodes between the known values and the targets, and it
// computes what the whole graph computes (run by the executor on the whole graph's own values).
#include <catch2/catch.hpp>

#include "exec/capture.h"
#include "exec/executor.h"
#include "exec/shape_inference.h"
#include "ir/error.h"
#include "ir/subgraph.h"

using namespace tinyc;
using namespace tinyc::ir;

namespace {

// x -> Add(w) -> s -> LeakyRelu -> r -> Mul(r, r) -> y, and x -> Neg -> z (a second output); shapes
// inferred.
std::unique_ptr<Graph> two_branches() {
  auto g = std::make_unique<Graph>();
  Value* x = g->add_input("x", DType::Float32, {1, 4});
  Value* w = g->add_constant("w", Tensor::from_vector<float>({1, 4}, {0.5f, -1, 2, -3}));
  Node* add = g->add_node("Add", {x, w}, {"s"}, "add");
  Node* leaky = g->add_node("LeakyRelu", {add->output(0)}, {"r"}, "leaky");
  leaky->attrs["alpha"] = 0.25f;
  Node* mul = g->add_node("Mul", {leaky->output(0), leaky->output(0)}, {"y"}, "mul");
  Node* neg = g->add_node("Neg", {x}, {"z"}, "neg");
  g->add_output(mul->output(0));
  g->add_output(neg->output(0));
  exec::infer_shapes(*g);
  return g;
}

std::vector<std::string> node_names(const Graph& g) {
  std::vector<std::string> names;
  for (const Node* n : g.topological_order()) names.push_back(n->name);
  return names;
}

Tensor rows_of_x() {
  return Tensor::from_vector<float>({3, 4}, {1, 2, -3, 4, -5, 6, 7, -8, 0.25f, -0.5f, 9, 10});
}

}  // namespace

TEST_CASE("subgraph: only the nodes between the known values and the targets, with the same results") {
  const auto g = two_branches();
  const auto cut = subgraph(*g, {{"r", {1, 4}}}, {"y"});
  CHECK(node_names(*cut) == std::vector<std::string>{"mul"});
  REQUIRE(cut->inputs().size() == 1);
  CHECK(cut->inputs()[0]->name == "r");
  CHECK(*cut->inputs()[0]->shape == Shape{1, 4});
  REQUIRE(cut->outputs().size() == 1);
  CHECK(cut->outputs()[0]->name == "y");

  const std::vector<Tensor> whole = exec::capture_values(*g, {rows_of_x()}, {"r", "y"}, {});
  CHECK(exec::Executor(*cut).run({whole[0]}).front() == whole[1]);

  const auto from_input = subgraph(*g, {{"x", {1, 4}}}, {"y"});
  CHECK(node_names(*from_input) == std::vector<std::string>{"add", "leaky", "mul"});
  CHECK(from_input->find_value("w")->is_constant());
  CHECK(from_input->find_node("leaky")->attr_float("alpha", 0) == 0.25f);
  CHECK(exec::Executor(*from_input).run({rows_of_x()}).front() == whole[1]);
}

TEST_CASE("subgraph: a target that is known, missing, a constant or out of reach is an internal error") {
  const auto g = two_branches();
  CHECK_THROWS_AS(subgraph(*g, {{"r", {1, 4}}}, {"r"}), InternalError);
  CHECK_THROWS_AS(subgraph(*g, {{"x", {1, 4}}}, {"nowhere"}), InternalError);
  CHECK_THROWS_AS(subgraph(*g, {{"x", {1, 4}}}, {"w"}), InternalError);
  CHECK_THROWS_AS(subgraph(*g, {{"s", {1, 4}}}, {"z"}), InternalError);  // needs x
}
