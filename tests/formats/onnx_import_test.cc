// ONNX import: the corpus against its manifest, every TensorProto storage, names, attributes, types.
#include <catch2/catch.hpp>

#include <map>

#include "formats/onnx/import.h"
#include "ir/verify.h"
#include "onnx_fixtures.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::onnx_test;
using namespace tinyc::test;
using tinyc::onnx_format::import_model_bytes;
using tinyc::onnx_format::import_model_file;

namespace {

onnx_format::ImportResult import_proto(const onnx::ModelProto& m) { return import_model_bytes(serialize(m), "."); }

}  // namespace

TEST_CASE("every corpus model imports with the manifest's ops, interface and initializer size") {
  for (const auto& [name, facts] : corpus_manifest().at("models").items()) {
    INFO("model " << name);
    const auto result = import_model_file(corpus_model_path(name));
    const ir::Graph& g = *result.graph;
    CHECK(ir::verify(g).empty());
    CHECK(result.notices.empty());  // the corpus has static shapes
    CHECK(g.opset_imports.at("") == facts.at("opset").get<int64_t>());
    CHECK(g.ir_version > 0);
    CHECK(g.producer_name == "pytorch");

    std::map<std::string, int> ops;
    for (const ir::Node* n : g.nodes()) ++ops[n->op_type];
    CHECK(ops == facts.at("ops").get<std::map<std::string, int>>());

    REQUIRE(g.inputs().size() == 1);
    CHECK(g.inputs()[0]->name == facts.at("input").at("name").get<std::string>());
    CHECK(g.inputs()[0]->dtype == ir::DType::Float32);
    CHECK(g.inputs()[0]->shape == facts.at("input").at("shape").get<ir::Shape>());
    REQUIRE(g.outputs().size() == 1);
    CHECK(g.outputs()[0]->name == facts.at("output").at("name").get<std::string>());
    CHECK(g.outputs()[0]->dtype == ir::DType::Float32);
    CHECK(g.outputs()[0]->shape == facts.at("output").at("shape").get<ir::Shape>());

    int64_t initializer_elems = 0;
    for (const ir::Value* c : g.constants()) initializer_elems += c->constant().num_elements();
    CHECK(initializer_elems == facts.at("initializer_elems").get<int64_t>());
  }
}

TEST_CASE("corpus Constant nodes stay nodes and feed Clip its ReLU6 bounds") {
  const auto result = import_model_file(corpus_model_path("fmnist_dscnn"));
  int clips = 0;
  for (const ir::Node* n : result.graph->nodes()) {
    if (n->op_type != "Clip") continue;
    ++clips;
    REQUIRE(n->inputs().size() == 3);
    const ir::Node* lo = n->input(1)->producer();
    const ir::Node* hi = n->input(2)->producer();
    REQUIRE(lo != nullptr);
    REQUIRE(hi != nullptr);
    CHECK(lo->op_type == "Constant");
    CHECK(lo->attr_tensor("value").to_double() == std::vector<double>{0.0});
    CHECK(hi->attr_tensor("value").to_double() == std::vector<double>{6.0});
  }
  CHECK(clips == 9);
}

TEST_CASE("initializers in typed fields import with their values") {
  onnx::ModelProto m = add_model();
  onnx::GraphProto& g = *m.mutable_graph();
  auto typed = [&](const std::string& name, int32_t type, std::vector<int64_t> dims) -> onnx::TensorProto& {
    onnx::TensorProto* t = g.add_initializer();
    t->set_name(name);
    t->set_data_type(type);
    for (int64_t d : dims) t->add_dims(d);
    return *t;
  };
  onnx::TensorProto& f32 = typed("f32", onnx::TensorProto::FLOAT, {2, 3});
  for (float v : {1.5f, -2.0f, 0.25f, 8.0f, -0.5f, 3.0f}) f32.add_float_data(v);
  onnx::TensorProto& i64 = typed("i64", onnx::TensorProto::INT64, {3});
  for (int64_t v : {int64_t{-7}, int64_t{1} << 40, int64_t{3}}) i64.add_int64_data(v);
  onnx::TensorProto& i8 = typed("i8", onnx::TensorProto::INT8, {4});
  for (int32_t v : {-128, -1, 0, 127}) i8.add_int32_data(v);
  onnx::TensorProto& u8 = typed("u8", onnx::TensorProto::UINT8, {2});
  for (int32_t v : {0, 255}) u8.add_int32_data(v);
  onnx::TensorProto& b = typed("b", onnx::TensorProto::BOOL, {3});
  for (int32_t v : {1, 0, 1}) b.add_int32_data(v);
  onnx::TensorProto& f16 = typed("f16", onnx::TensorProto::FLOAT16, {2});
  for (int32_t v : {0x3C00, 0xC000}) f16.add_int32_data(v);  // 1.0 and -2.0 in half precision
  onnx::TensorProto& f64 = typed("f64", onnx::TensorProto::DOUBLE, {2});
  for (double v : {0.1, -1e300}) f64.add_double_data(v);
  onnx::TensorProto& u32 = typed("u32", onnx::TensorProto::UINT32, {2});
  for (uint64_t v : {uint64_t{7}, uint64_t{4000000000}}) u32.add_uint64_data(v);
  onnx::TensorProto& s = typed("s", onnx::TensorProto::STRING, {2});
  s.add_string_data("cat");
  s.add_string_data("dog");

  const auto result = import_proto(m);
  const ir::Graph& graph = *result.graph;
  auto data = [&](const std::string& name) -> const ir::Tensor& { return graph.find_value(name)->constant(); };
  CHECK(data("f32").shape() == ir::Shape{2, 3});
  CHECK(std::vector<float>(data("f32").values<float>().begin(), data("f32").values<float>().end()) ==
        std::vector<float>{1.5f, -2.0f, 0.25f, 8.0f, -0.5f, 3.0f});
  CHECK(data("i64").to_int64() == std::vector<int64_t>{-7, int64_t{1} << 40, 3});
  CHECK(data("i8").dtype() == ir::DType::Int8);
  CHECK(data("i8").to_int64() == std::vector<int64_t>{-128, -1, 0, 127});
  CHECK(data("u8").to_int64() == std::vector<int64_t>{0, 255});
  CHECK(data("b").dtype() == ir::DType::Bool);
  CHECK(std::vector<uint8_t>(data("b").bytes().begin(), data("b").bytes().end()) == std::vector<uint8_t>{1, 0, 1});
  CHECK(std::vector<uint8_t>(data("f16").bytes().begin(), data("f16").bytes().end()) ==
        std::vector<uint8_t>{0x00, 0x3C, 0x00, 0xC0});
  CHECK(data("f64").to_double() == std::vector<double>{0.1, -1e300});
  CHECK(data("u32").to_int64() == std::vector<int64_t>{7, 4000000000});
  CHECK(data("s").strings() == std::vector<std::string>{"cat", "dog"});
}

TEST_CASE("initializers listed as graph inputs are constants, not inputs") {
  onnx::ModelProto m = add_model();
  add_input(*m.mutable_graph(), "w", {"4"});  // old exporters repeat initializers here
  const auto result = import_proto(m);
  REQUIRE(result.graph->inputs().size() == 1);
  CHECK(result.graph->inputs()[0]->name == "x");
  CHECK(result.graph->find_value("w")->is_constant());
  CHECK_FALSE(result.graph->find_value("w")->is_graph_input());
}

TEST_CASE("empty and repeated node names become unique <op>_<index> names") {
  onnx::ModelProto m = empty_model();
  onnx::GraphProto& g = *m.mutable_graph();
  add_input(g, "x", {"1", "4"});
  add_node(g, "Relu", {"x"}, {"a"});
  add_node(g, "Relu", {"a"}, {"b"}, "same");
  add_node(g, "Relu", {"b"}, {"c"}, "same");
  add_node(g, "Neg", {"c"}, {"d"});
  add_output(g, "d");
  const auto result = import_proto(m);
  std::vector<std::string> names;
  for (const ir::Node* n : result.graph->nodes()) names.push_back(n->name);
  CHECK(names == std::vector<std::string>{"Relu_0", "same", "Relu_2", "Neg_3"});
}

TEST_CASE("omitted optional inputs are null and nodes are sorted producers first") {
  onnx::ModelProto m = empty_model();
  onnx::GraphProto& g = *m.mutable_graph();
  add_input(g, "x", {"1", "4"});
  add_float_initializer(g, "hi", {}, {6.0f});
  // File order puts the consumer first; import must sort.
  add_node(g, "Clip", {"r", "", "hi"}, {"y"}, "clip");
  add_node(g, "Dropout", {"x"}, {"", "mask"}, "drop");  // omitted first output
  add_node(g, "Relu", {"x"}, {"r"}, "relu");
  add_output(g, "y");
  add_output(g, "mask");
  const auto result = import_proto(m);
  const ir::Graph& graph = *result.graph;
  std::vector<std::string> order;
  for (const ir::Node* n : graph.nodes()) order.push_back(n->name);
  CHECK(order == std::vector<std::string>{"drop", "relu", "clip"});
  const ir::Node* clip = graph.find_node("clip");
  REQUIRE(clip->inputs().size() == 3);
  CHECK(clip->input(0)->name == "r");
  CHECK(clip->input(1) == nullptr);
  CHECK(clip->input(2)->name == "hi");
  const ir::Node* drop = graph.find_node("drop");
  REQUIRE(drop->outputs().size() == 2);
  CHECK(drop->output(0) == nullptr);
  CHECK(drop->output(1)->name == "mask");
}

TEST_CASE("attributes of every kind the IR holds import with their values") {
  onnx::ModelProto m = add_model();
  onnx::NodeProto& n = *m.mutable_graph()->mutable_node(0);
  n.set_domain("ai.onnx");
  auto attr = [&](const std::string& name, onnx::AttributeProto::AttributeType type) {
    onnx::AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(type);
    return a;
  };
  attr("i", onnx::AttributeProto::INT)->set_i(-3);
  attr("f", onnx::AttributeProto::FLOAT)->set_f(0.5f);
  attr("s", onnx::AttributeProto::STRING)->set_s("same_upper");
  onnx::AttributeProto* ints = attr("ints", onnx::AttributeProto::INTS);
  for (int64_t v : {1, 2, 3}) ints->add_ints(v);
  onnx::AttributeProto* floats = attr("floats", onnx::AttributeProto::FLOATS);
  for (float v : {0.25f, -1.0f}) floats->add_floats(v);
  onnx::AttributeProto* strings = attr("strings", onnx::AttributeProto::STRINGS);
  strings->add_strings("a");
  strings->add_strings("b");
  onnx::TensorProto* t = attr("t", onnx::AttributeProto::TENSOR)->mutable_t();
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(2);
  t->add_int64_data(5);
  t->add_int64_data(-6);
  attr("empty_ints", onnx::AttributeProto::INTS);
  onnx::AttributeProto* untyped = n.add_attribute();  // files older than AttributeProto.type
  untyped->set_name("legacy");
  untyped->set_i(9);

  const auto result = import_proto(m);
  const ir::Node* node = result.graph->find_node("add");
  CHECK(node->domain.empty());
  CHECK(node->attr_int("i", 0) == -3);
  CHECK(node->attr_float("f", 0) == 0.5f);
  CHECK(node->attr_string("s", "") == "same_upper");
  CHECK(node->attr_ints("ints", {}) == std::vector<int64_t>{1, 2, 3});
  CHECK(node->attr_floats("floats", {}) == std::vector<float>{0.25f, -1.0f});
  CHECK(std::get<std::vector<std::string>>(node->attrs.at("strings")) == std::vector<std::string>{"a", "b"});
  CHECK(node->attr_tensor("t").to_int64() == std::vector<int64_t>{5, -6});
  CHECK(node->attr_ints("empty_ints", {7}).empty());
  CHECK(node->attr_int("legacy", 0) == 9);
}

TEST_CASE("value_info and outputs give dtypes, and shapes only when static") {
  onnx::ModelProto m = empty_model();
  onnx::GraphProto& g = *m.mutable_graph();
  add_input(g, "x", {"1", "4"});
  add_node(g, "Relu", {"x"}, {"a"}, "r1");
  add_node(g, "Relu", {"a"}, {"b"}, "r2");
  add_node(g, "Relu", {"b"}, {"y"}, "r3");
  auto declare = [](onnx::ValueInfoProto* info, const std::string& name, std::vector<std::string> dims) {
    info->set_name(name);
    auto* type = info->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    for (const std::string& d : dims) {
      auto* dim = type->mutable_shape()->add_dim();
      if (d == "N") dim->set_dim_param(d); else dim->set_dim_value(std::stoll(d));
    }
  };
  declare(g.add_value_info(), "a", {"1", "4"});
  declare(g.add_value_info(), "b", {"N", "4"});
  declare(g.add_output(), "y", {"1", "4"});
  const auto result = import_proto(m);
  const ir::Graph& graph = *result.graph;
  CHECK(graph.find_value("a")->dtype == ir::DType::Float32);
  CHECK(graph.find_value("a")->shape == ir::Shape{1, 4});
  CHECK(graph.find_value("b")->dtype == ir::DType::Float32);
  CHECK_FALSE(graph.find_value("b")->shape.has_value());
  CHECK(graph.find_value("y")->shape == ir::Shape{1, 4});
  CHECK(graph.name == "test");
  CHECK(graph.producer_name == "fixture");
  CHECK(graph.ir_version == 7);
}

TEST_CASE("external data beside the model is read at its offset") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "weights");
  const std::vector<float> w{0.5f, -1.5f, 2.0f, 4.0f};
  std::string blob(8, '\xAB');  // 8 bytes of padding before the tensor
  blob.append(reinterpret_cast<const char*>(w.data()), w.size() * sizeof(float));
  write_bytes(dir.path() / "weights" / "w.bin", blob);
  onnx::ModelProto m = add_model();
  onnx::TensorProto& t = *m.mutable_graph()->mutable_initializer(0);
  t.clear_raw_data();
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  auto entry = [&](const std::string& key, const std::string& value) {
    auto* kv = t.add_external_data();
    kv->set_key(key);
    kv->set_value(value);
  };
  entry("location", "weights/w.bin");
  entry("offset", "8");
  entry("length", "16");
  const auto result = import_model_file(write_model(dir.path(), m));
  const auto values = result.graph->find_value("w")->constant().values<float>();
  CHECK(std::vector<float>(values.begin(), values.end()) == w);
}

TEST_CASE("read_tensor_file reads a serialized TensorProto") {
  TempDir dir;
  onnx::TensorProto t;
  t.set_name("input_0");
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_dims(1);
  t.add_dims(3);
  const std::vector<float> values{1.0f, -2.5f, 1e-3f};
  t.set_raw_data(values.data(), values.size() * sizeof(float));
  std::string bytes;
  REQUIRE(t.SerializeToString(&bytes));
  write_bytes(dir.path() / "input_0.pb", bytes);
  const ir::Tensor read = onnx_format::read_tensor_file(dir.path() / "input_0.pb");
  CHECK(read.shape() == ir::Shape{1, 3});
  CHECK(std::vector<float>(read.values<float>().begin(), read.values<float>().end()) == values);
}
