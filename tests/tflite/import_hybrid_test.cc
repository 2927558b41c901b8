// "Hybrid" .tflite files (int8 weights on float activations, e.g. the TF converter's dynamic-range
// quantization) import as float models whose weights are the dequantized values.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <cmath>

#include "formats/tflite/import.h"
#include "int8_rows.h"
#include "io/npy.h"
#include "support/test_support.h"
#include "tflite_file_builder.h"
#include "tflm_runner.h"

using namespace tinyc;
using namespace tinyc::tflite_test;
namespace fb = tinyc::tflite_fb;

namespace {

std::vector<uint8_t> float_bytes(const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// x float [1, 4] -> FULLY_CONNECTED (int8 weights [3, 4] at scale 0.05, zero point 2; float bias) -> y.
std::string hybrid_fully_connected(const std::vector<int8_t>& weights) {
  TfliteFileBuilder b;
  const int32_t x = b.tensor("x", fb::TensorType::FLOAT32, {1, 4});
  const int32_t w = b.int8("w", {3, 4}, 0.05f, 2, weights);
  const int32_t bias = b.tensor("bias", fb::TensorType::FLOAT32, {3}, std::nullopt, float_bytes({0.5f, -0.25f, 0}));
  const int32_t y = b.tensor("y", fb::TensorType::FLOAT32, {1, 3});
  b.op(static_cast<int32_t>(fb::BuiltinOperator::FULLY_CONNECTED), {x, w, bias}, {y});
  b.interface({x}, {y});
  return b.bytes();
}

// The file with every int8 constant that has scales rewritten as float32 scale * (q - zero point),
// per tensor or along quantized_dimension: the float model a hybrid file stands for.
std::string with_float_weights(const std::string& bytes) {
  fb::ModelT m;
  fb::GetModel(bytes.data())->UnPackTo(&m);
  for (auto& t : m.subgraphs.at(0)->tensors) {
    if (t->type != fb::TensorType::INT8 || !t->quantization || t->quantization->scale.empty()) continue;
    std::vector<uint8_t>& data = m.buffers.at(t->buffer)->data;
    if (data.empty()) continue;
    const fb::QuantizationParametersT& q = *t->quantization;
    size_t inner = 1;
    if (q.scale.size() > 1)
      for (size_t d = static_cast<size_t>(q.quantized_dimension) + 1; d < t->shape.size(); ++d) inner *= static_cast<size_t>(t->shape[d]);
    std::vector<float> values(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
      const size_t c = q.scale.size() > 1 ? (i / inner) % q.scale.size() : 0;
      const int64_t zero_point = q.zero_point.empty() ? 0 : q.zero_point[q.zero_point.size() > 1 ? c : 0];
      values[i] = q.scale[c] * static_cast<float>(static_cast<int8_t>(data[i]) - zero_point);
    }
    data = float_bytes(values);
    t->type = fb::TensorType::FLOAT32;
    t->quantization.reset();
  }
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishModelBuffer(fbb, fb::Model::Pack(fbb, &m));
  return {reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

}  // namespace

TEST_CASE("import: a hybrid FULLY_CONNECTED reads its int8 weights as float scale * (q - zero point)",
          "[tflite][import]") {
  const std::vector<int8_t> q = {-128, -3, 0, 5, 127, 64, -64, 1, 2, 3, 4, -5};
  const auto g = tflite_format::import_tflite_bytes(hybrid_fully_connected(q));
  const std::vector<ir::Node*> nodes = g->topological_order();
  REQUIRE(nodes.size() == 1);
  REQUIRE(nodes[0]->op_type == "Gemm");
  const ir::Value* w = nodes[0]->input(1);
  REQUIRE(w->is_constant());
  CHECK_FALSE(w->quant.has_value());
  REQUIRE(w->constant().dtype() == ir::DType::Float32);
  const auto values = w->constant().values<float>();
  REQUIRE(values.size() == q.size());
  for (size_t i = 0; i < q.size(); ++i) CHECK(values[i] == 0.05f * static_cast<float>(q[i] - 2));
}

TEST_CASE("the MLPerf Tiny hybrid DS-CNN runs as TFLM runs the same file with float weights", "[tflite][tflm]") {
  // TFLM refuses hybrid files, so the judge runs the file rewritten with the dequantized weights.
  test::TempDir dir;
  const auto hybrid = test::corpus_dir() / "tflite" / "kws_ref_model_float32.tflite";
  const auto rewritten = dir.path() / "kws_float_weights.tflite";
  test::write_bytes(rewritten, with_float_weights(test::read_bytes(hybrid)));
  const auto rows = dir.path() / "rows.npy";
  io::write_npy(rows, uniform_rows(file_input(test::corpus_dir() / "tflite" / "kws_ref_model.tflite"), 100, 5));
  const ir::Tensor ours = tinyc_run(hybrid, rows, dir.path() / "hybrid.npy");
  const TflmResult tflm = run_tflm(rewritten, rows, dir.path());
  REQUIRE(tflm.exit_code == 0);
  REQUIRE(ours.dtype() == ir::DType::Float32);
  REQUIRE(ours.shape() == ir::Shape{100, 12});
  REQUIRE(tflm.output.shape() == ours.shape());
  const auto a = ours.values<float>();
  const auto b = tflm.output.values<float>();
  float worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  CHECK(worst <= 1e-4f);  // softmax outputs; float kernels sum in another order than TFLM's
}

TEST_CASE("import holds constants to the tensor limit before copying them, as the graph holds them",
          "[tflite][import]") {
  const std::string bytes = hybrid_fully_connected({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  tflite_format::ImportOptions options;
  options.limits.max_tensor_bytes = 40;  // the file's int8 weights take 12 bytes, as float32 weights 48
  CHECK_THROWS_WITH(tflite_format::import_tflite_bytes(bytes, options),
                    Catch::Contains("tensor 'w' would take 48 bytes (shape 3x4), above the limit of 40 bytes"));

  fb::ModelT m;
  fb::GetModel(bytes.data())->UnPackTo(&m);
  m.subgraphs.at(0)->tensors.at(1)->shape = {1 << 30, 4};  // 12 bytes of data promising 16 GiB of floats
  m.subgraphs.at(0)->tensors.at(3)->shape = {1, 1 << 30};
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(fb::Model::Pack(builder, &m), fb::ModelIdentifier());
  const std::string promise(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
  CHECK_THROWS_WITH(tflite_format::import_tflite_bytes(promise),
                    Catch::Contains("tensor 'w' would take 16 GiB (shape 1073741824x4)"));
}
