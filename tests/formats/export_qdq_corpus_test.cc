// QDQ ONNX files of every corpus model (default int8 pipeline, calibrated on the shared calibration
// rows): the file's structure, and ONNX Runtime on the file against tinyc's int8 executor on the
// quantized graph over the first 200 test rows: top-1 agreement, and the largest output difference
// in output quantization steps (ONNX Runtime fuses the QDQ pairs into its own integer kernels,
// whose rounding differs from TFLite's). For the autoencoder, the anomaly scores (mean squared
// reconstruction error per row) are compared. Numbers go to <build>/export_qdq_corpus_summary.json.
#include <catch2/catch.hpp>

#include <onnx/checker.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "formats/onnx/export_qdq.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "passes/pass_test_util.h"
#include "qdq_test_util.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::qdq_test;
using nlohmann::json;

namespace {

constexpr int kRows = 200;
constexpr double kMinTop1Agreement = 0.99;
// Largest |ORT - tinyc| allowed, in whole steps of the output's quantization scale: rounding
// differences of one step per layer that partly add up (measured: 1 to 2 steps for the classifiers,
// 4 to 5 for the autoencoder's six Gemm layers and 784 outputs, depending on the calibration).
constexpr int64_t kMaxClassifierSteps = 2;
constexpr int64_t kMaxAutoencoderSteps = 6;
// Largest relative difference of an autoencoder anomaly score.
constexpr double kMaxScoreDifference = 0.05;

int64_t argmax(std::span<const float> row) { return std::max_element(row.begin(), row.end()) - row.begin(); }

// Mean of (output - input)^2 per row.
std::vector<double> anomaly_scores(const ir::Tensor& output, const ir::Tensor& input) {
  const auto out = output.values<float>(), in = input.values<float>();
  const size_t width = out.size() / kRows;
  std::vector<double> scores(kRows, 0.0);
  for (size_t r = 0; r < kRows; ++r) {
    for (size_t i = 0; i < width; ++i) {
      const double d = double{out[r * width + i]} - double{in[r * width + i]};
      scores[r] += d * d;
    }
    scores[r] /= static_cast<double>(width);
  }
  return scores;
}

}  // namespace

TEST_CASE("ONNX Runtime on the QDQ file of every corpus model agrees with tinyc's int8 executor", "[slow]") {
  json summary = json::object();
  const json& models = test::corpus_manifest().at("models");
  REQUIRE(models.size() >= 7);
  for (const auto& [name, info] : models.items()) {
    INFO("model " << name);
    const auto g = quantized_corpus_model(name);
    test::TempDir scratch;
    const auto path = scratch.path() / (name + ".qdq.onnx");
    onnx_format::export_qdq_model_file(*g, path);
    onnx::ModelProto model;
    REQUIRE(model.ParseFromString(test::read_bytes(path)));
    CHECK_NOTHROW(onnx::checker::check_model(model));
    CHECK(check_qdq_structure(*g, model) > 0);

    const auto eval_path = test::corpus_dir() / info.at("eval_data").get<std::string>();
    const ir::Tensor inputs = ir::slice_rows(io::read_npy(eval_path), 0, kRows);
    const ir::Tensor tinyc = passes::testing::run_float(*g, {inputs}).front();
    const ir::Tensor ort = run_in_ort(path, eval_path, kRows);
    REQUIRE(ort.shape() == tinyc.shape());

    const double step = g->outputs()[0]->producer()->input(0)->quant->scale[0];
    const auto a = ort.values<float>(), b = tinyc.values<float>();
    double max_diff = 0;
    for (size_t i = 0; i < a.size(); ++i) max_diff = std::max(max_diff, std::abs(double{a[i]} - double{b[i]}));
    json entry = {{"rows", kRows}, {"max_abs_diff", max_diff}, {"output_step", step}, {"max_steps", max_diff / step}};
    const bool anomaly = info.at("task") == "anomaly-detection";
    // Both outputs are dequantized int8, so they differ by whole steps (up to float rounding).
    CHECK(std::llround(max_diff / step) <= (anomaly ? kMaxAutoencoderSteps : kMaxClassifierSteps));

    if (anomaly) {
      const std::vector<double> sa = anomaly_scores(ort, inputs), sb = anomaly_scores(tinyc, inputs);
      double worst = 0;
      for (size_t r = 0; r < sa.size(); ++r) worst = std::max(worst, std::abs(sa[r] - sb[r]) / sb[r]);
      entry["max_relative_score_diff"] = worst;
      CHECK(worst <= kMaxScoreDifference);
    } else {
      const size_t classes = a.size() / kRows;
      int agree = 0;
      for (size_t r = 0; r < kRows; ++r)
        agree += argmax(a.subspan(r * classes, classes)) == argmax(b.subspan(r * classes, classes));
      entry["top1_agreement"] = static_cast<double>(agree) / kRows;
      CHECK(static_cast<double>(agree) / kRows >= kMinTop1Agreement);
    }
    summary[name] = entry;
  }
  test::write_bytes(std::filesystem::path(TINYC_BINARY_DIR) / "export_qdq_corpus_summary.json", summary.dump(2) + "\n");
}
