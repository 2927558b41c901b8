// Graph mutation API: use lists, replace_all_uses, erase, topological order, clone.
#include <catch2/catch.hpp>

#include "ir/dump.h"
#include "ir/error.h"
#include "ir/graph.h"
#include "ir/verify.h"

using namespace tinyc;
using namespace tinyc::ir;

namespace {
// x -> Relu(a) -> Relu(b) -> output "y"
std::unique_ptr<Graph> two_relus() {
  auto g = std::make_unique<Graph>();
  Value* x = g->add_input("x", DType::Float32, {1, 4});
  Node* a = g->add_node("Relu", {x}, {"a_out"}, "a");
  Node* b = g->add_node("Relu", {a->output(0)}, {"y"}, "b");
  g->add_output(b->output(0));
  return g;
}
}  // namespace

TEST_CASE("add_node links producers and users") {
  auto g = two_relus();
  Value* a_out = g->find_value("a_out");
  REQUIRE(a_out->producer() == g->find_node("a"));
  REQUIRE(a_out->uses().size() == 1);
  CHECK(a_out->uses()[0].node == g->find_node("b"));
  CHECK(a_out->uses()[0].input_index == 0);
  CHECK(g->find_value("x")->is_graph_input());
  CHECK(g->find_value("y")->is_graph_output());
  CHECK(verify(*g).empty());
}

TEST_CASE("replace_all_uses moves users and keeps the output name") {
  auto g = two_relus();
  Node* b = g->find_node("b");
  Value* a_out = g->find_value("a_out");
  Value* y = g->find_value("y");
  // Bypass b: its input takes over the graph output slot and the name "y".
  REQUIRE(g->can_replace_all_uses(y, a_out));
  g->replace_all_uses(y, a_out);
  CHECK(a_out->name == "y");
  CHECK(g->outputs()[0] == a_out);
  CHECK(a_out->is_graph_output());
  g->set_node_input(b, 0, nullptr);
  g->erase_node(b);
  CHECK(g->node_count() == 1);
  CHECK(verify(*g).empty());
}

TEST_CASE("replace_all_uses refuses to merge a graph output into a graph input") {
  auto g = two_relus();
  Value* x = g->find_value("x");
  Value* y = g->find_value("y");
  CHECK_FALSE(g->can_replace_all_uses(y, x));
  CHECK_THROWS_AS(g->replace_all_uses(y, x), InternalError);
}

TEST_CASE("erase_node refuses a node whose output is still used") {
  auto g = two_relus();
  CHECK_THROWS_AS(g->erase_node(g->find_node("a")), InternalError);
  CHECK(g->node_count() == 2);
}

TEST_CASE("sort_topologically puts producers first and keeps ties stable") {
  Graph g;
  Value* x = g.add_input("x", DType::Float32, {2});
  Value* c = g.add_constant("c", Tensor::from_vector<float>({2}, {1.f, 2.f}));
  // Add a consumer before its producer exists by wiring a placeholder then rewiring.
  Node* add = g.add_node("Add", {x, c}, {"sum"}, "add");
  Node* neg = g.add_node("Neg", {x}, {"neg_out"}, "neg");
  Node* relu = g.add_node("Relu", {x}, {"r"}, "relu");
  g.set_node_input(add, 1, neg->output(0));
  g.add_output(add->output(0));
  g.add_output(relu->output(0));
  g.sort_topologically();
  auto order = g.nodes();
  REQUIRE(order.size() == 3);
  CHECK(order[0]->name == "neg");
  CHECK(order[1]->name == "add");
  CHECK(order[2]->name == "relu");
  CHECK(verify(g).empty());
}

TEST_CASE("clone is a deep, identical copy") {
  auto g = two_relus();
  g->find_node("a")->attrs["alpha"] = 0.5f;
  auto copy = g->clone();
  CHECK(dump(*copy) == dump(*g));
  copy->find_node("a")->attrs["alpha"] = 1.0f;
  CHECK(std::get<float>(g->find_node("a")->attrs["alpha"]) == 0.5f);
  CHECK(verify(*copy).empty());
}

TEST_CASE("unique names avoid collisions") {
  auto g = two_relus();
  CHECK(g->unique_value_name("x") == "x_1");
  CHECK(g->unique_value_name("fresh") == "fresh");
  CHECK(g->unique_node_name("a") == "a_1");
}
