// ONNX export: corpus round trips, deterministic bytes, the ONNX checker, and hand-built graphs.
#include <catch2/catch.hpp>

#include <onnx/checker.h>

#include "formats/onnx/export.h"
#include "formats/onnx/import.h"
#include "ir/dump.h"
#include "ir/error.h"
#include "ir/version.h"
#include "onnx_fixtures.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::onnx_test;
using namespace tinyc::test;
using Catch::Matchers::Contains;
using tinyc::onnx_format::export_model_bytes;
using tinyc::onnx_format::import_model_bytes;

namespace {

onnx::ModelProto parse(const std::string& bytes) {
  onnx::ModelProto m;
  REQUIRE(m.ParseFromString(bytes));
  return m;
}

// Structure (dump), every constant tensor and every node attribute, byte for byte.
void check_same_graph(const ir::Graph& a, const ir::Graph& b) {
  CHECK(ir::dump(a) == ir::dump(b));
  const auto ca = a.constants();
  const auto cb = b.constants();
  REQUIRE(ca.size() == cb.size());
  for (size_t i = 0; i < ca.size(); ++i) {
    INFO("constant " << ca[i]->name);
    CHECK(ca[i]->name == cb[i]->name);
    CHECK(ca[i]->constant() == cb[i]->constant());
  }
  const auto na = a.nodes();
  const auto nb = b.nodes();
  REQUIRE(na.size() == nb.size());
  for (size_t i = 0; i < na.size(); ++i) {
    INFO("node " << na[i]->name);
    CHECK(na[i]->domain == nb[i]->domain);
    CHECK(na[i]->attrs == nb[i]->attrs);
  }
}

}  // namespace

TEST_CASE("every corpus model survives import -> export -> import unchanged") {
  for (const auto& [name, facts] : corpus_manifest().at("models").items()) {
    INFO("model " << name);
    const auto original = onnx_format::import_model_file(corpus_model_path(name));
    const std::string bytes = export_model_bytes(*original.graph);
    CHECK(export_model_bytes(*original.graph) == bytes);  // deterministic
    const auto again = import_model_bytes(bytes, ".");
    check_same_graph(*original.graph, *again.graph);
    CHECK(again.graph->opset_imports == original.graph->opset_imports);
    CHECK(again.graph->ir_version == original.graph->ir_version);
    CHECK(again.graph->producer_name == "tinyc");
    CHECK(export_model_bytes(*again.graph) == bytes);  // a fixed point
    CHECK_NOTHROW(onnx::checker::check_model(parse(bytes)));
  }
}

TEST_CASE("export writes versions, producer, typed value_info and raw little-endian data") {
  ir::Graph g;  // no opsets: the exporter supplies defaults
  g.name = "hand_built";
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 4});
  ir::Value* w = g.add_constant("w", ir::Tensor::from_vector<int8_t>({4}, {-1, 2, -128, 127}));
  ir::Value* big = g.add_constant("big", ir::Tensor::from_vector<int32_t>({1}, {0x01020304}));
  ir::Tensor labels(ir::DType::String, {2});
  labels.strings() = {"cat", "dog"};
  g.add_constant("labels", labels);
  ir::Node* cast = g.add_node("Cast", {w}, {"wf"}, "cast");
  cast->attrs["to"] = int64_t{1};
  cast->output(0)->dtype = ir::DType::Float32;
  cast->output(0)->shape = ir::Shape{4};
  ir::Node* clip = g.add_node("Clip", {x, nullptr, nullptr}, {"c"}, "clip");
  ir::Node* add = g.add_node("Add", {clip->output(0), cast->output(0)}, {"y"}, "add");
  add->output(0)->dtype = ir::DType::Float32;
  g.add_output(add->output(0));
  g.add_output(big);

  const onnx::ModelProto m = parse(export_model_bytes(g));
  CHECK(m.ir_version() == 8);
  REQUIRE(m.opset_import_size() == 1);
  CHECK(m.opset_import(0).domain().empty());
  CHECK(m.opset_import(0).version() == 13);
  CHECK(m.producer_name() == "tinyc");
  CHECK(m.producer_version() == kVersion);
  const onnx::GraphProto& graph = m.graph();
  CHECK(graph.name() == "hand_built");
  REQUIRE(graph.initializer_size() == 3);
  CHECK(graph.initializer(0).name() == "w");
  CHECK(graph.initializer(0).data_type() == onnx::TensorProto::INT8);
  CHECK(graph.initializer(0).raw_data() == std::string("\xff\x02\x80\x7f", 4));
  CHECK(graph.initializer(1).raw_data() == std::string("\x04\x03\x02\x01", 4));
  CHECK(graph.initializer(2).data_type() == onnx::TensorProto::STRING);
  CHECK(graph.initializer(2).string_data_size() == 2);
  CHECK(graph.initializer(2).string_data(1) == "dog");
  REQUIRE(graph.node_size() == 3);
  const onnx::NodeProto& clip_proto = graph.node(1).name() == "clip" ? graph.node(1) : graph.node(0);
  CHECK(clip_proto.input_size() == 3);
  CHECK(clip_proto.input(1).empty());
  // value_info covers typed intermediates only: "wf" (typed), not "c" (untyped) or outputs.
  REQUIRE(graph.value_info_size() == 1);
  CHECK(graph.value_info(0).name() == "wf");
  CHECK(graph.value_info(0).type().tensor_type().shape().dim(0).dim_value() == 4);
  REQUIRE(graph.output_size() == 2);
  CHECK(graph.output(1).name() == "big");
  CHECK(graph.output(1).type().tensor_type().elem_type() == onnx::TensorProto::INT32);

  const auto back = import_model_bytes(export_model_bytes(g), ".");
  check_same_graph(g, *back.graph);
}

TEST_CASE("attributes of every kind round-trip through export") {
  ir::Graph g;
  g.name = "attrs";
  ir::Value* x = g.add_input("x", ir::DType::Float32, {2});
  ir::Node* n = g.add_node("Custom", {x}, {"y"}, "custom");
  n->domain = "com.example";
  n->attrs["i"] = int64_t{-3};
  n->attrs["f"] = 0.75f;
  n->attrs["s"] = std::string("text");
  n->attrs["ints"] = std::vector<int64_t>{4, 5};
  n->attrs["floats"] = std::vector<float>{1.5f};
  n->attrs["strings"] = std::vector<std::string>{"p", "q"};
  n->attrs["t"] = ir::Tensor::from_vector<float>({2}, {1.0f, -1.0f});
  g.add_output(n->output(0));
  g.opset_imports = {{"", 13}, {"com.example", 1}};
  const auto back = import_model_bytes(export_model_bytes(g), ".");
  check_same_graph(g, *back.graph);
  CHECK(back.graph->opset_imports == g.opset_imports);
  CHECK(back.graph->find_node("custom")->attrs == n->attrs);
}

TEST_CASE("export_model_file writes atomically and names a missing folder") {
  TempDir dir;
  const auto original = onnx_format::import_model_file(corpus_model_path("digits_cnn"));
  const auto path = dir.path() / "out.onnx";
  onnx_format::export_model_file(*original.graph, path);
  CHECK(read_bytes(path) == export_model_bytes(*original.graph));
  CHECK_THAT(input_error_of([&] { onnx_format::export_model_file(*original.graph, dir.path() / "no" / "out.onnx"); }),
             Contains("does not exist"));
}

TEST_CASE("quantized graphs are refused rather than exported without their scales") {
  ir::Graph g;
  ir::Value* x = g.add_input("x", ir::DType::Int8, {4});
  x->quant = ir::QuantParams{{0.5f}, {0}, 0};
  ir::Node* n = g.add_node("Relu", {x}, {"y"}, "relu");
  g.add_output(n->output(0));
  CHECK_THAT(input_error_of([&] { export_model_bytes(g); }),
             Contains("cannot write a quantized graph as float ONNX (value 'x'"));
}
