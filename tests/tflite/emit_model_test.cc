// Model-level properties of emitted files: shared buffers, names, description, determinism.
#include <catch2/catch.hpp>

#include "formats/tflite/emit.h"
#include "ir/version.h"
#include "quantized_graphs.h"
#include "support/test_support.h"
#include "tflite_test_util.h"

using namespace tinyc;
using namespace tinyc::tflite_test;

namespace {

// Two 1x1 convs in a row whose weights and biases hold identical data.
std::unique_ptr<ir::Graph> twin_convs() {
  QuantizedGraphBuilder b;
  const ir::QuantParams q = per_tensor(0.02f, 0);
  ir::Value* x = b.quantized_input("input", {1, 3, 4, 4}, q);
  const ir::QuantParams wq = per_channel({0.01f, 0.02f, 0.03f});
  ir::Value* current = x;
  for (const std::string name : {"first", "second"}) {
    ir::Value* w = b.int8_weights(name + ".weight", {3, 3, 1, 1}, wq, 5);
    ir::Value* bias = b.int32_bias(name + ".bias", 3, q.scale[0], wq);
    ir::Node* conv = b.node("Conv", {current, w, bias}, name, {1, 3, 4, 4}, q);
    conv->attrs["kernel_shape"] = std::vector<int64_t>{1, 1};
    current = conv->output(0);
  }
  b.dequantized_output(current, "output");
  return b.take();
}

}  // namespace

TEST_CASE("identical constant data is stored once and shared by both tensors") {
  const auto g = twin_convs();
  const std::string bytes = emit_named(*g);
  const fb::Model* m = verified_model(bytes);
  const fb::Tensor& w1 = tensor_at(m, tensor_index(m, "first.weight"));
  const fb::Tensor& w2 = tensor_at(m, tensor_index(m, "second.weight"));
  CHECK(tensor_index(m, "first.weight") != tensor_index(m, "second.weight"));
  CHECK(w1.buffer() != 0);
  CHECK(w1.buffer() == w2.buffer());
  CHECK(tensor_at(m, tensor_index(m, "first.bias")).buffer() == tensor_at(m, tensor_index(m, "second.bias")).buffer());
  CHECK(w1.buffer() != tensor_at(m, tensor_index(m, "first.bias")).buffer());
  // sentinel + one weight buffer + one bias buffer + the arena plan
  CHECK(m->buffers()->size() == 4);
}

TEST_CASE("only the interface is named unless keep_names, the names cost bytes") {
  const auto g = small_cnn();
  const std::string lean = tflite_format::emit_tflite_bytes(*g);
  const std::string named = emit_named(*g);
  CHECK(lean.size() < named.size());
  const fb::Model* m = verified_model(lean);
  const fb::SubGraph& main = main_subgraph(m);
  CHECK(tensor_at(m, main.inputs()->Get(0)).name()->str() == "input");
  CHECK(tensor_at(m, main.outputs()->Get(0)).name()->str() == "output");
  int named_tensors = 0;
  for (const fb::Tensor* t : *main.tensors())
    if (t->name() && t->name()->size() > 0) ++named_tensors;
  CHECK(named_tensors == 2);
  CHECK(main.name() == nullptr);
  const fb::SubGraph& kept = main_subgraph(verified_model(named));
  CHECK(kept.tensors()->size() == main.tensors()->size());
  for (const fb::Tensor* t : *kept.tensors()) CHECK(t->name()->size() > 0);
}

TEST_CASE("the description names tinyc and its version with keep_names, and is left out otherwise") {
  const auto g = small_cnn();
  CHECK(verified_model(emit_named(*g))->description()->str() == std::string("tinyc ") + kVersion);
  CHECK(verified_model(tflite_format::emit_tflite_bytes(*g))->description() == nullptr);
}

TEST_CASE("identical shapes, zero points, quantization tables and options are written once") {
  const auto g = twin_convs();
  const std::string bytes = emit_named(*g);
  const fb::Model* m = verified_model(bytes);
  const fb::Tensor& w1 = tensor_at(m, tensor_index(m, "first.weight"));
  const fb::Tensor& w2 = tensor_at(m, tensor_index(m, "second.weight"));
  // Same object, not just equal contents: the file holds one copy.
  CHECK(w1.shape() == w2.shape());
  CHECK(w1.quantization() == w2.quantization());
  const fb::Tensor& out1 = tensor_at(m, tensor_index(m, "first"));
  const fb::Tensor& out2 = tensor_at(m, main_subgraph(m).outputs()->Get(0));
  CHECK(out1.quantization() == out2.quantization());
  CHECK(out1.shape() == out2.shape());
  // The input quantized as the conv outputs are shares their table; the weights' per-channel
  // table has its own scales but the same zero point list.
  CHECK(tensor_at(m, main_subgraph(m).inputs()->Get(0)).quantization() == out1.quantization());
  CHECK(w1.quantization() != out1.quantization());
  CHECK(w1.quantization()->zero_point() == out1.quantization()->zero_point());
  const auto* ops = main_subgraph(m).operators();
  REQUIRE(ops->size() == 2);
  CHECK(ops->Get(0)->builtin_options() == ops->Get(1)->builtin_options());
}

TEST_CASE("emitting is deterministic: the same graph (or a clone) gives the same bytes") {
  const auto g = small_cnn();
  const std::string first = tflite_format::emit_tflite_bytes(*g);
  CHECK(tflite_format::emit_tflite_bytes(*g) == first);
  CHECK(tflite_format::emit_tflite_bytes(*g->clone()) == first);
  CHECK(tflite_format::emit_tflite_bytes(*small_cnn()) == first);
}

TEST_CASE("emit_tflite_file writes the same bytes, a missing folder is an InputError") {
  const auto g = small_cnn();
  test::TempDir dir;
  tflite_format::emit_tflite_file(*g, dir.path() / "model.tflite");
  CHECK(test::read_bytes(dir.path() / "model.tflite") == tflite_format::emit_tflite_bytes(*g));
  CHECK_FALSE(test::input_error_of([&] { tflite_format::emit_tflite_file(*g, dir.path() / "no" / "m.tflite"); }).empty());
}
