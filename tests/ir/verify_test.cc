// verify() must find each broken invariant it promises to check.
#include <catch2/catch.hpp>

#include "ir/error.h"
#include "ir/graph.h"
#include "ir/verify.h"

using namespace tinyc;
using namespace tinyc::ir;

namespace {
bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("verify accepts a well-formed graph") {
  Graph g;
  Value* x = g.add_input("x", DType::Float32, {1, 2});
  Value* w = g.add_constant("w", Tensor::from_vector<float>({2, 2}, {1, 0, 0, 1}));
  Node* mm = g.add_node("MatMul", {x, w}, {"y"}, "mm");
  g.add_output(mm->output(0));
  CHECK(verify(g).empty());
  CHECK_NOTHROW(verify_or_throw(g, "in test"));
}

TEST_CASE("verify reports a graph without outputs") {
  Graph g;
  Value* x = g.add_input("x", DType::Float32, {1});
  g.add_node("Relu", {x}, {"y"}, "r");
  CHECK(mentions(verify(g), "no outputs"));
  CHECK_THROWS_AS(verify_or_throw(g, "in test"), InternalError);
}

TEST_CASE("verify reports duplicate node names") {
  Graph g;
  Value* x = g.add_input("x", DType::Float32, {1});
  Node* a = g.add_node("Relu", {x}, {"a"}, "same");
  Node* b = g.add_node("Relu", {a->output(0)}, {"b"}, "other");
  b->name = "same";
  g.add_output(b->output(0));
  CHECK(mentions(verify(g), "used twice"));
}

TEST_CASE("verify reports a cycle") {
  Graph g;
  Value* x = g.add_input("x", DType::Float32, {1});
  Node* a = g.add_node("Add", {x, x}, {"a"}, "a");
  Node* b = g.add_node("Relu", {a->output(0)}, {"b"}, "b");
  g.set_node_input(a, 1, b->output(0));
  g.add_output(b->output(0));
  CHECK(mentions(verify(g), "cycle"));
}

TEST_CASE("verify reports inconsistent quant params") {
  Graph g;
  Value* x = g.add_input("x", DType::Int8, {1});
  Node* r = g.add_node("Relu", {x}, {"y"}, "r");
  g.add_output(r->output(0));
  x->quant = QuantParams{{0.1f, 0.2f}, {0}, 0};
  CHECK(mentions(verify(g), "2 scales and 1 zero points"));
}

TEST_CASE("verify reports a constant whose type differs from its data") {
  Graph g;
  Value* c = g.add_constant("c", Tensor::from_vector<float>({2}, {1, 2}));
  Node* r = g.add_node("Relu", {c}, {"y"}, "r");
  g.add_output(r->output(0));
  c->shape = Shape{3};
  CHECK(mentions(verify(g), "type differs"));
}
