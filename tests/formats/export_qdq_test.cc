// QDQ ONNX writer on small graphs: ops with fixed output parameters (Softmax, Sigmoid, Tanh), an
// unfused int8 Clip, an op that stays float between the graph's own DequantizeLinear and
// QuantizeLinear, the ONNX checker, ONNX Runtime against tinyc's int8 executor, deterministic
// bytes and the atomic file, and the graphs the writer refuses.
#include <catch2/catch.hpp>

#include <onnx/checker.h>

#include <cmath>

#include "exec/shape_inference.h"
#include "formats/onnx/export_qdq.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "passes/pass_context.h"
#include "passes/pass_manager.h"
#include "passes/pass_test_util.h"
#include "passes/pipeline.h"
#include "qdq_test_util.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::qdq_test;
using Catch::Matchers::Contains;
using onnx_format::export_qdq_model_bytes;
using passes::testing::add_random_constant;
using passes::testing::random_tensor;

namespace {

constexpr int64_t kRows = 64;

onnx::ModelProto parse(const std::string& bytes) {
  onnx::ModelProto m;
  REQUIRE(m.ParseFromString(bytes));
  return m;
}

// x[1,8] -> Gemm(W[6,8], b) -> h -> Tanh -> t -> Exp (no int8 form: stays float) -> e
//   -> Clip(0.5, 2) -> c -> Gemm(W2[5,6], b2) -> z -> Sigmoid -> s -> Softmax -> y
// quantized by quantize_int8 alone, so the Clip stays a node with int8 bounds.
std::unique_ptr<ir::Graph> quantized_small_graph() {
  auto g = passes::testing::new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 8});
  auto gemm = [&](ir::Value* in, const std::string& name, int64_t out, int64_t in_dim, uint32_t seed) {
    ir::Node* n = g->add_node("Gemm",
                              {in, add_random_constant(*g, name + "_w", {out, in_dim}, seed),
                               add_random_constant(*g, name + "_b", {out}, seed + 1)},
                              {name + "_out"}, name);
    n->attrs["transB"] = int64_t{1};
    return n->output(0);
  };
  ir::Value* h = gemm(x, "fc1", 6, 8, 1);
  ir::Value* t = g->add_node("Tanh", {h}, {"t"}, "tanh")->output(0);
  ir::Value* e = g->add_node("Exp", {t}, {"e"}, "exp")->output(0);
  ir::Value* lo = g->add_constant("clip_lo", ir::Tensor::scalar<float>(0.5f));
  ir::Value* hi = g->add_constant("clip_hi", ir::Tensor::scalar<float>(2.0f));
  ir::Value* c = g->add_node("Clip", {e, lo, hi}, {"c"}, "clip")->output(0);
  ir::Value* z = gemm(c, "fc2", 5, 6, 3);
  ir::Value* s = g->add_node("Sigmoid", {z}, {"s"}, "sigmoid")->output(0);
  g->add_output(g->add_node("Softmax", {s}, {"y"}, "softmax")->output(0));
  exec::infer_shapes(*g);
  passes::PassContext context;
  context.calibration_inputs.push_back(random_tensor({kRows, 8}, 7));
  passes::run_pipeline(*g, passes::parse_pipeline("quantize_int8"), {}, &context);
  return g;
}

// The scale and zero point of the QuantizeLinear that produces `name` in the file.
std::pair<float, int64_t> file_params(const FileIndex& file, const std::string& name) {
  const onnx::NodeProto* q = file.producer(name);
  REQUIRE(q);
  REQUIRE(q->op_type() == "QuantizeLinear");
  return {file.initializer(q->input(1)).values<float>()[0], file.initializer(q->input(2)).to_int64()[0]};
}

}  // namespace

TEST_CASE("QDQ export writes fixed-parameter ops, an int8 Clip and a float island") {
  const auto g = quantized_small_graph();
  REQUIRE(g->find_value("t")->dtype == ir::DType::Int8);
  REQUIRE(g->find_value("e")->dtype == ir::DType::Float32);
  const std::string bytes = export_qdq_model_bytes(*g);
  const onnx::ModelProto model = parse(bytes);
  CHECK_NOTHROW(onnx::checker::check_model(model));
  const FileIndex file(model);
  CHECK(check_qdq_structure(*g, model) == 2);

  // Outputs of Tanh, Sigmoid and Softmax carry the TFLite spec's constants.
  CHECK(file_params(file, "t") == std::pair<float, int64_t>{1.0f / 128.0f, 0});
  CHECK(file_params(file, "s") == std::pair<float, int64_t>{1.0f / 256.0f, -128});
  CHECK(file_params(file, "y_quantized") == std::pair<float, int64_t>{1.0f / 256.0f, -128});

  // Exp reads the graph's DequantizeLinear of t and feeds the graph's QuantizeLinear of e.
  const onnx::NodeProto* exp = file.producer("e");
  REQUIRE(exp);
  CHECK(exp->op_type() == "Exp");
  CHECK(file.producer(exp->input(0))->op_type() == "DequantizeLinear");
  CHECK(file.producer(exp->input(0))->input(0) == "t");
  const auto e_readers = file.readers("e");
  REQUIRE(e_readers.size() == 1);
  CHECK(e_readers[0]->op_type() == "QuantizeLinear");
  CHECK(e_readers[0]->output(0) == "e_quantized");

  // The unfused Clip computes in float on its input's dequantized value; its int8 bounds are
  // read through DequantizeLinear and stand for 0.5 and 2 (inside e's range, exp of [-1, 1]) within
  // half a step.
  const onnx::NodeProto* clip = file.producer("c_float");
  REQUIRE(clip);
  CHECK(clip->op_type() == "Clip");
  REQUIRE(clip->input_size() == 3);
  const float step = file_params(file, "c").first;
  const std::pair<int, float> bounds[] = {{1, 0.5f}, {2, 2.0f}};
  for (const auto& [slot, expected] : bounds) {
    const onnx::NodeProto* dq = file.producer(clip->input(slot));
    REQUIRE(dq);
    CHECK(dq->op_type() == "DequantizeLinear");
    const float scale = file.initializer(dq->input(1)).values<float>()[0];
    const int64_t zero_point = file.initializer(dq->input(2)).to_int64()[0];
    const int64_t q = file.initializer(dq->input(0)).to_int64()[0];
    CHECK(std::abs(scale * static_cast<float>(q - zero_point) - expected) <= step / 2);
  }

  SECTION("ONNX Runtime computes what tinyc's int8 executor computes") {
    test::TempDir scratch;
    const auto path = scratch.path() / "small.qdq.onnx";
    onnx_format::export_qdq_model_file(*g, path);
    CHECK(test::read_bytes(path) == bytes);
    const ir::Tensor rows = random_tensor({kRows, 8}, 99);
    io::write_npy(scratch.path() / "rows.npy", rows);
    const ir::Tensor ort = run_in_ort(path, scratch.path() / "rows.npy", kRows);
    const ir::Tensor tinyc = passes::testing::run_float(*g, {rows}).front();
    REQUIRE(ort.shape() == tinyc.shape());
    // Softmax over five values of 1/256 steps: one output step apart at most.
    const auto a = ort.values<float>(), b = tinyc.values<float>();
    double max_diff = 0;
    for (size_t i = 0; i < a.size(); ++i) max_diff = std::max(max_diff, std::abs(double{a[i]} - double{b[i]}));
    INFO("max |ORT - tinyc| = " << max_diff);
    CHECK(max_diff <= 1.0 / 256.0 + 1e-6);
  }
}

TEST_CASE("QDQ export gives the same bytes for the same graph and its clone") {
  const auto g = quantized_corpus_model("digits_cnn");
  const std::string bytes = export_qdq_model_bytes(*g);
  CHECK(export_qdq_model_bytes(*g) == bytes);
  CHECK(export_qdq_model_bytes(*g->clone()) == bytes);
  const auto again = quantized_corpus_model("digits_cnn");
  CHECK(export_qdq_model_bytes(*again) == bytes);
}

TEST_CASE("the QDQ file imports back into tinyc and its float executor agrees with the int8 graph") {
  const auto g = quantized_corpus_model("digits_mlp");
  const auto imported = onnx_format::import_model_bytes(export_qdq_model_bytes(*g), ".");
  REQUIRE(imported.graph);
  int activations = 0, constants = 0;
  for (const ir::Value* v : g->values())
    if (v->quant) ++(v->is_constant() ? constants : activations);
  // One QuantizeLinear per int8 activation; one DequantizeLinear per int8 activation (each is read
  // either by int8 nodes or by the graph's DequantizeLinear before the output) and per constant.
  CHECK(passes::testing::count_ops(*imported.graph, "QuantizeLinear") == activations);
  CHECK(passes::testing::count_ops(*imported.graph, "DequantizeLinear") == activations + constants);
  CHECK(constants == 6);  // three Gemm weights and biases
  for (const ir::Node* n : imported.graph->nodes()) CHECK_FALSE(n->has_attr("activation_min"));
  const ir::Tensor rows = io::read_npy(test::corpus_dir() / "data/digits_test.npy");
  const ir::Tensor int8_outputs = passes::testing::run_float(*g, {rows}).front();
  const ir::Tensor qdq_outputs = passes::testing::run_float(*imported.graph, {rows}).front();
  const auto tinyc = int8_outputs.values<float>(), reimported = qdq_outputs.values<float>();
  REQUIRE(tinyc.size() == reimported.size());
  const double step = g->outputs()[0]->producer()->input(0)->quant->scale[0];
  double max_steps = 0;
  for (size_t i = 0; i < tinyc.size(); ++i)
    max_steps = std::max(max_steps, std::abs(double{tinyc[i]} - double{reimported[i]}) / step);
  INFO("max difference " << max_steps << " output steps");
  CHECK(max_steps <= 2.0);
}

TEST_CASE("QDQ export raises an older opset to 13 when every op means the same there") {
  auto g = quantized_small_graph();
  g->opset_imports[""] = 11;
  const onnx::ModelProto m = parse(export_qdq_model_bytes(*g));
  int64_t opset = 0;
  for (const auto& id : m.opset_import())
    if (id.domain().empty()) opset = id.version();
  CHECK(opset == 13);
  CHECK_NOTHROW(onnx::checker::check_model(m));
  g->opset_imports[""] = 13;
  CHECK(export_qdq_model_bytes(*g) == m.SerializeAsString());
}

TEST_CASE("QDQ export refuses graphs it cannot write") {
  SECTION("a float graph") {
    auto imported = onnx_format::import_model_file(test::corpus_model_path("digits_mlp"));
    CHECK_THAT(test::input_error_of([&] { export_qdq_model_bytes(*imported.graph); }),
               Contains("no quantization parameters") && Contains("--format onnx"));
  }
  SECTION("opset 12 with an op whose meaning changed at opset 13") {
    auto g = quantized_small_graph();
    g->opset_imports[""] = 12;
    g->find_node("fc1")->attrs["broadcast"] = int64_t{1};
    CHECK_THAT(test::input_error_of([&] { export_qdq_model_bytes(*g); }),
               Contains("opset 13 or later") && Contains("opset 12") && Contains("Gemm 'fc1'") &&
                   Contains("'broadcast'"));
  }
  SECTION("per-channel scales that do not match the weight's channels") {
    auto g = quantized_small_graph();
    ir::Value* w = g->find_node("fc1")->input(1);
    w->quant->scale.push_back(1.0f);
    w->quant->zero_point.push_back(0);
    CHECK_THAT(test::input_error_of([&] { export_qdq_model_bytes(*g); }),
               Contains(w->name) && Contains("7 scales for 6 channels on axis 0"));
  }
  SECTION("a zero point outside int8") {
    auto g = quantized_small_graph();
    g->find_value("t")->quant->zero_point[0] = 200;
    CHECK_THAT(test::input_error_of([&] { export_qdq_model_bytes(*g); }),
               Contains("'t'") && Contains("zero point 200 is outside int8"));
  }
}
