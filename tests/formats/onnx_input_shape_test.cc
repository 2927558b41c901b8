// Symbolic input dims: batch -> 1 with a notice, --input-shape overrides, and their syntax.
#include <catch2/catch.hpp>

#include "formats/onnx/import.h"
#include "ir/error.h"
#include "onnx_fixtures.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::onnx_test;
using namespace tinyc::test;
using Catch::Matchers::Contains;
using tinyc::onnx_format::ImportOptions;
using tinyc::onnx_format::parse_input_shape;

namespace {

// x[dims...] -> Relu -> y
onnx::ModelProto relu_model(const std::vector<std::string>& dims) {
  onnx::ModelProto m = empty_model();
  onnx::GraphProto& g = *m.mutable_graph();
  add_input(g, "x", dims);
  add_node(g, "Relu", {"x"}, {"y"}, "relu");
  add_output(g, "y");
  return m;
}

onnx_format::ImportResult import_with(const onnx::ModelProto& m, const ImportOptions& options = {}) {
  return onnx_format::import_model_bytes(serialize(m), ".", options);
}

}  // namespace

TEST_CASE("a dynamic batch dim becomes 1 with a notice") {
  const auto result = import_with(relu_model({"N", "3", "8", "8"}));
  CHECK(result.graph->inputs()[0]->shape == ir::Shape{1, 3, 8, 8});
  REQUIRE(result.notices.size() == 1);
  CHECK(result.notices[0] == "input 'x': dynamic dim 0 ('N') set to 1; use --input-shape to choose");
  const auto unnamed = import_with(relu_model({"?", "2"}));
  CHECK(unnamed.graph->inputs()[0]->shape == ir::Shape{1, 2});
  REQUIRE(unnamed.notices.size() == 1);
  CHECK_THAT(unnamed.notices[0], Contains("dynamic dim 0 (unnamed) set to 1"));
}

TEST_CASE("a dynamic non-batch dim needs --input-shape, which fixes it") {
  const onnx::ModelProto m = relu_model({"N", "3", "height", "width"});
  const std::string msg = input_error_of([&] { import_with(m); });
  CHECK_THAT(msg, Contains("input 'x' has dynamic dim 2 ('height')"));
  CHECK_THAT(msg, Contains("pass --input-shape x:1x3x<height>x<width>"));

  ImportOptions options;
  options.input_shapes["x"] = {2, 3, 16, 24};
  const auto result = import_with(m, options);
  CHECK(result.graph->inputs()[0]->shape == ir::Shape{2, 3, 16, 24});
  CHECK(result.notices.empty());
}

TEST_CASE("an --input-shape override must name an input and agree with its rank and fixed dims") {
  const onnx::ModelProto m = relu_model({"N", "3", "8", "8"});
  ImportOptions unknown;
  unknown.input_shapes["image"] = {1, 3, 8, 8};
  CHECK_THAT(input_error_of([&] { import_with(m, unknown); }),
             Contains("--input-shape names 'image', which is not an input of the model (inputs: x)"));
  ImportOptions wrong_rank;
  wrong_rank.input_shapes["x"] = {1, 3, 8};
  CHECK_THAT(input_error_of([&] { import_with(m, wrong_rank); }),
             Contains("--input-shape x:1x3x8 has rank 3, but input 'x' has rank 4 (Nx3x8x8)"));
  ImportOptions wrong_dim;
  wrong_dim.input_shapes["x"] = {1, 4, 8, 8};
  CHECK_THAT(input_error_of([&] { import_with(m, wrong_dim); }),
             Contains("sets dim 1 to 4, but the model fixes it at 3"));
}

TEST_CASE("a negative input dim is rejected") {
  CHECK_THAT(input_error_of([&] { import_with(relu_model({"1", "-3"})); }),
             Contains("input 'x' has negative dim 1 (-3)"));
}

TEST_CASE("parse_input_shape splits at the last colon") {
  CHECK(parse_input_shape("x:1x3x32x32") == std::pair<std::string, ir::Shape>{"x", {1, 3, 32, 32}});
  CHECK(parse_input_shape("serving:input:0:1x10") == std::pair<std::string, ir::Shape>{"serving:input:0", {1, 10}});
  CHECK(parse_input_shape("t:7") == std::pair<std::string, ir::Shape>{"t", {7}});
}

TEST_CASE("parse_input_shape rejects malformed specs with the expected syntax") {
  CHECK_THAT(input_error_of([] { parse_input_shape("x"); }), Contains("must look like name:1x3x32x32"));
  CHECK_THAT(input_error_of([] { parse_input_shape(":1x3"); }), Contains("has no input name"));
  CHECK_THAT(input_error_of([] { parse_input_shape("x:"); }), Contains("has no dims"));
  CHECK_THAT(input_error_of([] { parse_input_shape("x:1xAx3"); }), Contains("dim 'A' is not a positive integer"));
  CHECK_THAT(input_error_of([] { parse_input_shape("x:1x0"); }), Contains("dim '0' is not a positive integer"));
  CHECK_THAT(input_error_of([] { parse_input_shape("x:1x-2"); }), Contains("dim '-2' is not a positive integer"));
  CHECK_THAT(input_error_of([] { parse_input_shape("x:1xx2"); }), Contains("dim '' is not a positive integer"));
  CHECK_THAT(input_error_of([] { parse_input_shape("x:99999999999999999999"); }), Contains("not a positive integer"));
}
