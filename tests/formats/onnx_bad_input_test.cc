// ONNX import of bad input: each case must throw InputError with a message naming the problem.
#include <catch2/catch.hpp>

#include "formats/onnx/import.h"
#include "ir/error.h"
#include "onnx_fixtures.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::onnx_test;
using namespace tinyc::test;
using Catch::Matchers::Contains;
using tinyc::onnx_format::import_model_bytes;
using tinyc::onnx_format::import_model_file;

namespace {

std::string import_error(const onnx::ModelProto& m) {
  return input_error_of([&] { import_model_bytes(serialize(m), "."); });
}

// add_model() whose initializer 'w' points at external data.
onnx::ModelProto external_model(const std::string& location) {
  onnx::ModelProto m = add_model();
  onnx::TensorProto& t = *m.mutable_graph()->mutable_initializer(0);
  t.clear_raw_data();
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* kv = t.add_external_data();
  kv->set_key("location");
  kv->set_value(location);
  return m;
}

}  // namespace

TEST_CASE("a missing or folder model path is named") {
  TempDir dir;
  const auto missing = dir.path() / "x.onnx";
  CHECK(input_error_of([&] { import_model_file(missing); }) == "model file '" + missing.string() + "' does not exist");
  CHECK_THAT(input_error_of([&] { import_model_file(dir.path()); }), Contains("is a folder, not a file"));
}

TEST_CASE("a text file and an empty file are not ONNX models") {
  TempDir dir;
  write_bytes(dir.path() / "notes.onnx", "These are my notes, not a model.\n");
  const std::string text_error = input_error_of([&] { import_model_file(dir.path() / "notes.onnx"); });
  CHECK_THAT(text_error, Contains("cannot read model '" + (dir.path() / "notes.onnx").string() + "'"));
  CHECK_THAT(text_error, Contains("not an ONNX model"));
  write_bytes(dir.path() / "empty.onnx", "");
  CHECK_THAT(input_error_of([&] { import_model_file(dir.path() / "empty.onnx"); }),
             Contains("not an ONNX model (it has no graph)"));
}

TEST_CASE("the first half of a real model is reported as truncated") {
  TempDir dir;
  const std::string bytes = read_bytes(corpus_model_path("digits_mlp"));
  const auto path = dir.path() / "half.onnx";
  write_bytes(path, bytes.substr(0, bytes.size() / 2));
  CHECK(input_error_of([&] { import_model_file(path); }) ==
        "cannot read model '" + path.string() +
            "': file is truncated or not an ONNX model (protobuf parse failed)");
}

TEST_CASE("external data may not leave the model folder") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "model");
  write_bytes(dir.path() / "secret.bin", std::string(16, '\0'));  // exists, but outside
  const auto escaping = write_model(dir.path() / "model", external_model("../../etc/passwd"));
  CHECK(input_error_of([&] { import_model_file(escaping); }) ==
        "tensor 'w' points outside the model folder: '../../etc/passwd'; external data must live beside the model");
  const auto sibling = write_model(dir.path() / "model", external_model("sub/../../secret.bin"));
  CHECK_THAT(input_error_of([&] { import_model_file(sibling); }), Contains("points outside the model folder"));
  std::filesystem::create_symlink(dir.path() / "secret.bin", dir.path() / "model" / "link.bin");
  const auto linked = write_model(dir.path() / "model", external_model("link.bin"));
  CHECK_THAT(input_error_of([&] { import_model_file(linked); }), Contains("points outside the model folder: 'link.bin'"));
  const auto absolute = write_model(dir.path() / "model", external_model((dir.path() / "secret.bin").string()));
  CHECK_THAT(input_error_of([&] { import_model_file(absolute); }),
             Contains("tensor 'w' uses an absolute external data path"));
}

TEST_CASE("missing or short external data files are named") {
  TempDir dir;
  const auto missing = write_model(dir.path(), external_model("missing.bin"));
  CHECK_THAT(input_error_of([&] { import_model_file(missing); }),
             Contains("tensor 'w': external data file 'missing.bin' does not exist"));
  write_bytes(dir.path() / "short.bin", std::string(10, '\0'));
  const auto shorter = write_model(dir.path(), external_model("short.bin"));
  CHECK_THAT(input_error_of([&] { import_model_file(shorter); }),
             Contains("external data file 'short.bin' is too short: needs 16 bytes at offset 0, it holds 10 bytes"));
  onnx::ModelProto bad_offset = external_model("short.bin");
  auto* kv = bad_offset.mutable_graph()->mutable_initializer(0)->add_external_data();
  kv->set_key("offset");
  kv->set_value("-4");
  CHECK_THAT(import_error(bad_offset), Contains("external data offset '-4' is not a non-negative integer"));
}

TEST_CASE("initializer dims and data sizes are checked") {
  onnx::ModelProto negative = add_model();
  negative.mutable_graph()->mutable_initializer(0)->set_dims(0, -4);
  CHECK_THAT(import_error(negative), Contains("tensor 'w' has negative dim 0 (-4)"));

  onnx::ModelProto overflow = add_model();
  onnx::TensorProto& big = *overflow.mutable_graph()->mutable_initializer(0);
  big.set_dims(0, int64_t{1} << 40);
  big.add_dims(int64_t{1} << 40);
  CHECK_THAT(import_error(overflow), Contains("tensor 'w': shape 1099511627776x1099511627776 has more elements than fit"));

  onnx::ModelProto raw = add_model();
  raw.mutable_graph()->mutable_initializer(0)->mutable_raw_data()->resize(12);
  CHECK(import_error(raw) == "tensor 'w' has 12 bytes of raw_data, but float32 4 needs 16");

  onnx::ModelProto typed = add_model();
  onnx::TensorProto& t = *typed.mutable_graph()->mutable_initializer(0);
  t.clear_raw_data();
  for (float v : {1.0f, 2.0f, 3.0f}) t.add_float_data(v);
  CHECK(import_error(typed) == "tensor 'w' has 3 values in float_data, but float32 4 needs 4");

  onnx::ModelProto bf16 = add_model();
  bf16.mutable_graph()->mutable_initializer(0)->set_data_type(onnx::TensorProto::BFLOAT16);
  CHECK(import_error(bf16) == "tensor 'w' has element type BFLOAT16, which tinyc does not support");
}

TEST_CASE("the import limits refuse a large weight or a huge graph before building it") {
  onnx_format::ImportOptions small;
  small.limits.max_tensor_bytes = 15;
  CHECK_THAT(input_error_of([&] { import_model_bytes(serialize(add_model()), ".", small); }),
             Contains("tensor 'w' would take 16 bytes (shape 4), above the limit of 15 bytes per tensor"));

  // dims that promise 4 TiB with 16 bytes of data are refused by the limit before any size check
  onnx::ModelProto promise = add_model();
  promise.mutable_graph()->mutable_initializer(0)->set_dims(0, int64_t{1} << 40);
  CHECK_THAT(import_error(promise), Contains("tensor 'w' would take 4 TiB (shape 1099511627776)"));

  onnx::ModelProto wide = add_model();
  const int64_t nodes = onnx_format::ImportOptions{}.limits.max_nodes + 1;
  for (int64_t i = 1; i < nodes; ++i)
    add_node(*wide.mutable_graph(), "Relu", {"y"}, {"r" + std::to_string(i)});
  CHECK_THAT(import_error(wide), Contains("the graph has 100001 nodes, more than the 100000 tinyc accepts"));
}

TEST_CASE("subgraph attributes are refused, naming node and attribute") {
  onnx::ModelProto m = add_model();
  onnx::GraphProto& g = *m.mutable_graph();
  onnx::NodeProto& loop = add_node(g, "Loop", {"", ""}, {"z"}, "loop_0");
  onnx::AttributeProto* body = loop.add_attribute();
  body->set_name("body");
  body->set_type(onnx::AttributeProto::GRAPH);
  body->mutable_g()->set_name("body");
  CHECK(import_error(m) == "node 'loop_0' (Loop): attribute 'body' is a subgraph, which tinyc does not support");
}

TEST_CASE("graph structure errors are named") {
  onnx::ModelProto undefined = add_model();
  undefined.mutable_graph()->mutable_node(0)->set_input(1, "ghost");
  CHECK(import_error(undefined) == "node 'add' (Add) reads 'ghost', which no node, graph input or initializer defines");

  onnx::ModelProto twice = add_model();
  twice.mutable_graph()->mutable_node(0)->set_output(0, "w");
  CHECK_THAT(import_error(twice), Contains("value 'w' is defined twice, by an initializer and by node 'add' (Add)"));

  onnx::ModelProto no_output = add_model();
  no_output.mutable_graph()->mutable_output(0)->set_name("nowhere");
  CHECK_THAT(import_error(no_output), Contains("graph output 'nowhere' is not defined"));

  onnx::ModelProto cycle = empty_model();
  onnx::GraphProto& g = *cycle.mutable_graph();
  add_input(g, "x", {"1"});
  add_node(g, "Add", {"x", "b"}, {"a"}, "first");
  add_node(g, "Relu", {"a"}, {"b"}, "second");
  add_output(g, "b");
  CHECK_THAT(import_error(cycle), Contains("cycle"));
}

TEST_CASE("a tensor file that is not a TensorProto is named") {
  TempDir dir;
  write_bytes(dir.path() / "input_0.pb", std::string("\xff\xff\xff", 3));
  CHECK_THAT(input_error_of([&] { onnx_format::read_tensor_file(dir.path() / "input_0.pb"); }),
             Contains("not a serialized ONNX TensorProto"));
  CHECK_THAT(input_error_of([&] { onnx_format::read_tensor_file(dir.path() / "output_0.pb"); }),
             Contains("tensor file '" + (dir.path() / "output_0.pb").string() + "' does not exist"));
}
