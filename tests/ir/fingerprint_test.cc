// ir::fingerprint: a clone digests the same, and any change a pass could make digests differently.
#include <catch2/catch.hpp>

#include "ir/fingerprint.h"
#include "ir/graph.h"

using namespace tinyc::ir;

namespace {

// x -> Add(w) -> Relu -> y
std::unique_ptr<Graph> add_relu() {
  auto g = std::make_unique<Graph>();
  Value* x = g->add_input("x", DType::Float32, {1, 3});
  Value* w = g->add_constant("w", Tensor::from_vector<float>({1, 3}, {1, 2, 3}));
  Node* add = g->add_node("Add", {x, w}, {"sum"}, "add");
  Node* relu = g->add_node("Relu", {add->output(0)}, {"y"}, "relu");
  g->add_output(relu->output(0));
  return g;
}

}  // namespace

TEST_CASE("fingerprint: clones agree, changed constants, quantization, attributes and names do not") {
  const auto g = add_relu();
  const uint64_t base = fingerprint(*g);
  CHECK(fingerprint(*g->clone()) == base);

  auto weights = g->clone();
  weights->set_constant(weights->find_value("w"), Tensor::from_vector<float>({1, 3}, {1, 2, 3.5f}));
  CHECK(fingerprint(*weights) != base);

  auto quant = g->clone();
  quant->find_value("sum")->quant = QuantParams{{0.5f}, {0}};
  const uint64_t quantized = fingerprint(*quant);
  CHECK(quantized != base);
  quant->find_value("sum")->quant->scale = {0.25f};
  CHECK(fingerprint(*quant) != quantized);

  auto attribute = g->clone();
  attribute->find_node("relu")->attrs["alpha"] = Attribute(1.0f);
  CHECK(fingerprint(*attribute) != base);

  auto renamed = g->clone();
  renamed->find_node("relu")->name = "relu2";
  CHECK(fingerprint(*renamed) != base);
}
