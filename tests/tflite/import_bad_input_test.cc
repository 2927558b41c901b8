// What the .tflite importer refuses, built with the schema's generated API: damaged files, custom and
// unknown ops (all named at once), several subgraphs, unknown tensor types, arithmetic tinyc's int8
// kernels cannot reproduce; and `tinyc run` on such files or on rows that do not fit: one line on
// stderr, exit 2, no output file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>

#include "apps/cli_runner.h"
#include "formats/tflite/import.h"
#include "formats/tflite/tinyc_tflite_generated.h"
#include "io/npy.h"
#include "support/test_support.h"

using namespace tinyc;
using Catch::Matchers::Contains;
namespace fb = tinyc::tflite_fb;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<fb::TensorT> int8_tensor(const std::string& name, std::vector<int32_t> shape, float scale) {
  auto t = std::make_unique<fb::TensorT>();
  t->name = name;
  t->shape = std::move(shape);
  t->type = fb::TensorType::INT8;
  t->quantization = std::make_unique<fb::QuantizationParametersT>();
  t->quantization->scale = {scale};
  t->quantization->zero_point = {0};
  return t;
}

std::unique_ptr<fb::OperatorCodeT> op_code(int32_t code) {
  auto c = std::make_unique<fb::OperatorCodeT>();
  c->builtin_code = static_cast<fb::BuiltinOperator>(code);
  c->deprecated_builtin_code = static_cast<int8_t>(std::min(code, 127));
  return c;
}

std::unique_ptr<fb::OperatorT> op(uint32_t code_index, std::vector<int32_t> inputs, std::vector<int32_t> outputs) {
  auto o = std::make_unique<fb::OperatorT>();
  o->opcode_index = code_index;
  o->inputs = std::move(inputs);
  o->outputs = std::move(outputs);
  return o;
}

constexpr int32_t kRelu = 19;

// x int8 [1,4] -> RELU -> y int8 [1,4] (both scale 0.1, zero point 0), changed by `edit` before packing.
std::string relu_model(const std::function<void(fb::ModelT&)>& edit = {}) {
  fb::ModelT m;
  m.version = 3;
  m.buffers.push_back(std::make_unique<fb::BufferT>());
  m.operator_codes.push_back(op_code(kRelu));
  auto sg = std::make_unique<fb::SubGraphT>();
  sg->tensors.push_back(int8_tensor("x", {1, 4}, 0.1f));
  sg->tensors.push_back(int8_tensor("y", {1, 4}, 0.1f));
  sg->inputs = {0};
  sg->outputs = {1};
  sg->operators.push_back(op(0, {0}, {1}));
  m.subgraphs.push_back(std::move(sg));
  if (edit) edit(m);
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(fb::Model::Pack(builder, &m), fb::ModelIdentifier());
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

std::string import_error(const std::string& bytes) {
  return test::input_error_of([&] { tflite_format::import_tflite_bytes(bytes); });
}

size_t line_count(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("import: the hand-built RELU model imports (the base of the refusals below)", "[tflite][import]") {
  const auto g = tflite_format::import_tflite_bytes(relu_model());
  REQUIRE(g->node_count() == 3);  // QuantizeLinear, Relu, DequantizeLinear
  CHECK(g->find_value("y_quantized")->producer()->op_type == "Relu");
  CHECK(tflite_format::has_tflite_identifier(relu_model()));
}

TEST_CASE("import refuses truncated and corrupt files", "[tflite][import]") {
  const std::string bytes = relu_model();
  CHECK_THAT(import_error(bytes.substr(0, bytes.size() / 2)), Contains("not a valid .tflite file"));
  std::string corrupt = bytes;
  corrupt[0] = corrupt[1] = corrupt[2] = '\x7f';  // the root table offset points past the end
  CHECK_THAT(import_error(corrupt), Contains("does not verify"));
  CHECK_THAT(import_error("not a model at all"), Contains("identifier"));
  // Found by the tflite fuzz target: it verifies, but its int64 zero point list sits 4 bytes off
  // alignment, and reading it was undefined behaviour.
  const std::string misaligned =
      test::read_bytes(fs::path(TINYC_SOURCE_DIR) / "tests/fuzz/regressions/tflite/misaligned_zero_points.tflite");
  CHECK_THAT(import_error(misaligned), Contains("are not 8-byte aligned"));
}

TEST_CASE("import names every custom and unknown op at once, with the supported list", "[tflite][import]") {
  const std::string bytes = relu_model([](fb::ModelT& m) {
    auto custom = std::make_unique<fb::OperatorCodeT>();
    custom->custom_code = "MyFancyOp";
    custom->builtin_code = static_cast<fb::BuiltinOperator>(32);  // CUSTOM
    custom->deprecated_builtin_code = 32;
    m.operator_codes.push_back(std::move(custom));
    m.operator_codes.push_back(op_code(43));   // SQUEEZE
    m.operator_codes.push_back(op_code(250));  // a code this tinyc does not know
    auto& sg = *m.subgraphs[0];
    sg.tensors.push_back(int8_tensor("z", {1, 4}, 0.1f));
    sg.tensors.push_back(int8_tensor("w", {4}, 0.1f));
    sg.tensors.push_back(int8_tensor("v", {4}, 0.1f));
    sg.operators.push_back(op(1, {1}, {2}));
    sg.operators.push_back(op(2, {2}, {3}));
    sg.operators.push_back(op(3, {3}, {4}));
    sg.outputs = {4};
  });
  const std::string msg = import_error(bytes);
  CHECK_THAT(msg, Contains("3 op type(s)"));
  CHECK_THAT(msg, Contains("CUSTOM:MyFancyOp (operator 1)"));
  CHECK_THAT(msg, Contains("SQUEEZE (operator 2)"));
  CHECK_THAT(msg, Contains("BUILTIN_250 (operator 3)"));
  CHECK_THAT(msg, Contains("tinyc imports ADD, AVERAGE_POOL_2D, BATCH_MATMUL, CONCATENATION, CONV_2D"));
}

TEST_CASE("import refuses several subgraphs, unknown tensor types and int8 tensors without parameters",
          "[tflite][import]") {
  SECTION("two subgraphs") {
    const std::string bytes = relu_model([](fb::ModelT& m) {
      auto second = std::make_unique<fb::SubGraphT>();
      second->tensors.push_back(int8_tensor("a", {1}, 1.0f));
      m.subgraphs.push_back(std::move(second));
    });
    CHECK_THAT(import_error(bytes), Contains("2 subgraphs"));
  }
  SECTION("a tensor type no schema version names") {
    const std::string bytes = relu_model([](fb::ModelT& m) { m.subgraphs[0]->tensors[1]->type = static_cast<fb::TensorType>(99); });
    CHECK_THAT(import_error(bytes), Contains("TYPE_99 (tensor 'y')"));
  }
  SECTION("uint8 tensors") {
    const std::string bytes = relu_model([](fb::ModelT& m) { m.subgraphs[0]->tensors[0]->type = fb::TensorType::UINT8; });
    CHECK_THAT(import_error(bytes), Contains("UINT8 (tensor 'x')") && Contains("FLOAT32, INT8, INT4 (weights), INT32 and INT64"));
  }
  SECTION("an operator output omitted (-1): TFLite has optional inputs only") {
    const std::string bytes = relu_model([](fb::ModelT& m) { m.subgraphs[0]->operators[0]->outputs = {-1}; });
    CHECK_THAT(import_error(bytes), Contains("operator RELU refers to tensor -1 of 2"));
  }
  SECTION("no outputs") {
    const std::string bytes = relu_model([](fb::ModelT& m) { m.subgraphs[0]->outputs.clear(); });
    CHECK_THAT(import_error(bytes), Contains("declares no outputs"));
  }
  SECTION("a variable tensor an op other than an LSTM reads (state tinyc's IR has no place for)") {
    const std::string bytes = relu_model([](fb::ModelT& m) { m.subgraphs[0]->tensors[0]->is_variable = true; });
    CHECK_THAT(import_error(bytes), Contains("tensor 'x' is a variable") && Contains("only as an LSTM's hidden or cell state"));
  }
  SECTION("an int8 activation without scale and zero point") {
    const std::string bytes = relu_model([](fb::ModelT& m) { m.subgraphs[0]->tensors[1]->quantization.reset(); });
    CHECK_THAT(import_error(bytes), Contains("'y' has no quantization parameters"));
  }
}

TEST_CASE("import refuses what tinyc's int8 kernels would compute differently from TFLite Micro",
          "[tflite][import]") {
  SECTION("a RELU that requantizes (other output parameters)") {
    const std::string bytes = relu_model([](fb::ModelT& m) { m.subgraphs[0]->tensors[1]->quantization->scale = {0.2f}; });
    CHECK_THAT(import_error(bytes), Contains("RELU (operator 0, output 'y')") && Contains("different quantization"));
  }
}

TEST_CASE("tinyc run on a bad .tflite file or bad rows: one line, exit 2, no output file", "[tflite][import]") {
  test::TempDir dir;
  const auto out = dir.path() / "never.npy";
  const auto rows = dir.path() / "rows.npy";
  io::write_npy(rows, ir::Tensor::from_vector<float>({2, 4}, {0.1f, -0.2f, 0.3f, 0.4f, 1, 2, 3, -4}));
  auto expect_refusal = [&](const std::filesystem::path& model, const std::filesystem::path& data,
                            const std::string& message) {
    const test::CommandResult r = test::run_tinyc({"run", model.string(), "--input", data.string(), "-o", out.string()});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK_THAT(r.err, Contains(message));
    CHECK_FALSE(std::filesystem::exists(out));
  };
  const auto good = dir.path() / "relu.tflite";
  test::write_bytes(good, relu_model());
  REQUIRE(test::run_tinyc({"run", good.string(), "--input", rows.string()}).exit_code == 0);

  const std::string bytes = relu_model();
  const auto truncated = dir.path() / "truncated.tflite";
  test::write_bytes(truncated, bytes.substr(0, bytes.size() - 24));
  expect_refusal(truncated, rows, "not a valid .tflite file");

  const auto custom = dir.path() / "custom.tflite";
  test::write_bytes(custom, relu_model([](fb::ModelT& m) {
    m.operator_codes[0]->custom_code = "Mystery";
    m.operator_codes[0]->builtin_code = static_cast<fb::BuiltinOperator>(32);
    m.operator_codes[0]->deprecated_builtin_code = 32;
  }));
  expect_refusal(custom, rows, "CUSTOM:Mystery (operator 0)");

  const auto two = dir.path() / "two_subgraphs.tflite";
  test::write_bytes(two, relu_model([](fb::ModelT& m) { m.subgraphs.push_back(std::make_unique<fb::SubGraphT>()); }));
  expect_refusal(two, rows, "2 subgraphs");

  const auto wide = dir.path() / "wide.npy";
  io::write_npy(wide, ir::Tensor(ir::DType::Float32, {2, 5}));
  expect_refusal(good, wide, "has shape 2x5 but model input 'x' takes Nx4");

  const auto labels = dir.path() / "labels.npy";
  io::write_npy(labels, ir::Tensor(ir::DType::Int64, {2, 4}));
  expect_refusal(good, labels, "holds int64 but model input 'x' takes int8 or float rows");

  const test::CommandResult shaped = test::run_tinyc({"run", good.string(), "--input", rows.string(), "--input-shape", "x:1x4"});
  CHECK(shaped.exit_code == 2);
  CHECK_THAT(shaped.err, Contains("--input-shape applies to ONNX models"));
}
