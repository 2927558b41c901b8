// LSTM and GRU models through the CLI: tinyc runs them as ONNX Runtime does; --int8 quantizes an
// LSTM (ONNX Runtime runs the QDQ export) and keeps a GRU float, saying why, and a .tflite with a
// float GRU is refused naming the layer.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "formats/onnx/export.h"
#include "io/npy.h"
#include "passes/graphs_sequence.h"
#include "passes/pass_test_util.h"
#include "support/ort_compare.h"
#include "support/test_support.h"

using namespace tinyc::test;
namespace fs = std::filesystem;

namespace {

// 48 rows of x[1, 8, 4] in [-1, 1).
fs::path write_rows(const fs::path& dir) {
  tinyc::ir::Tensor rows = tinyc::passes::testing::random_tensor({48, 8, 4}, 17);
  const fs::path path = dir / "rows.npy";
  tinyc::io::write_npy(path, rows);
  return path;
}

}  // namespace

TEST_CASE("tinyc runs an LSTM and a GRU classifier as ONNX Runtime does", "[cli][ort]") {
  for (const bool gru : {false, true}) {
    INFO((gru ? "GRU" : "LSTM"));
    TempDir dir;
    const fs::path model = dir.path() / "sequence.onnx";
    tinyc::onnx_format::export_model_file(*tinyc::passes::testing::sequence_classifier(gru), model);
    const fs::path rows = write_rows(dir.path());
    const fs::path ours = dir.path() / "tinyc.npy";
    const CommandResult r = run_tinyc({"run", model.string(), "--input", rows.string(), "-o", ours.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const fs::path theirs = dir.path() / "ort.npy";
    const CommandResult o = run_ort_compare({"--run", model, rows, theirs});
    INFO(o.err);
    REQUIRE(o.exit_code == 0);
    const tinyc::ir::Tensor a = tinyc::io::read_npy(ours);
    const tinyc::ir::Tensor b = tinyc::io::read_npy(theirs);
    REQUIRE(a.num_elements() == b.num_elements());
    double worst = 0;
    for (size_t i = 0; i < static_cast<size_t>(a.num_elements()); ++i)
      worst = std::max(worst, std::abs(static_cast<double>(a.values<float>()[i]) - b.values<float>()[i]));
    CHECK(worst < 1e-5);
  }
}

TEST_CASE("tinyc inspect counts an LSTM's weights and multiply-accumulates", "[cli]") {
  TempDir dir;
  const fs::path model = dir.path() / "lstm.onnx";
  tinyc::onnx_format::export_model_file(*tinyc::passes::testing::sequence_classifier(false), model);
  const CommandResult r = run_tinyc({"inspect", model.string(), "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& layer : j["layers"]) {
    if (layer["name"] != "recurrent") continue;
    found = true;
    // W 24x4, R 24x6 and B 48; per step 24 gate rows x (4 + 6) columns, 8 steps.
    CHECK(layer["params"] == 24 * 4 + 24 * 6 + 48);
    CHECK(layer["macs"] == 8 * 24 * (4 + 6));
  }
  CHECK(found);
}

TEST_CASE("compress --int8 quantizes an LSTM, which ONNX Runtime runs from the QDQ file", "[cli][ort]") {
  TempDir dir;
  const fs::path model = dir.path() / "lstm.onnx";
  tinyc::onnx_format::export_model_file(*tinyc::passes::testing::sequence_classifier(false), model);
  const fs::path rows = write_rows(dir.path());
  const fs::path qdq = dir.path() / "lstm_qdq.onnx";
  const CommandResult r = run_tinyc({"compress", model.string(), "--int8", "--calib", rows.string(), "--format",
                                     "onnx-qdq", "--eval", rows.string(), "-o", qdq.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("stays float") == std::string::npos);
  // The LSTM reads dequantized int8 weights and a dequantized int32 bias; its cell-state attribute is not written.
  const nlohmann::json summary = ort_compare(model, qdq, rows, 48);
  INFO(summary.dump());
  CHECK(summary.at("rows") == 48);
  CHECK(summary.at("argmax_agreement").get<double>() >= 0.9);
}

TEST_CASE("compress --int8 keeps a GRU float with the reason, and a .tflite names the layer", "[cli]") {
  TempDir dir;
  const fs::path model = dir.path() / "gru.onnx";
  tinyc::onnx_format::export_model_file(*tinyc::passes::testing::sequence_classifier(true), model);
  const fs::path rows = write_rows(dir.path());
  const fs::path qdq = dir.path() / "gru_qdq.onnx";
  const CommandResult mixed = run_tinyc({"compress", model.string(), "--int8", "--calib", rows.string(), "--format",
                                         "onnx-qdq", "--eval", rows.string(), "-o", qdq.string()});
  INFO(mixed.err);
  REQUIRE(mixed.exit_code == 0);
  CHECK(mixed.err.find("recurrent") != std::string::npos);
  CHECK(mixed.err.find("TFLite has no GRU op") != std::string::npos);
  // ONNX Runtime runs the mixed-precision file: the GRU float between DequantizeLinear and QuantizeLinear.
  const nlohmann::json summary = ort_compare(model, qdq, rows, 48);
  INFO(summary.dump());
  CHECK(summary.at("argmax_agreement").get<double>() >= 0.9);
  const fs::path blob = dir.path() / "gru.tflite";
  const CommandResult refused =
      run_tinyc({"compress", model.string(), "--int8", "--calib", rows.string(), "-o", blob.string()});
  INFO(refused.err);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("GRU 'recurrent'") != std::string::npos);
  CHECK(refused.err.find("--format onnx-qdq") != std::string::npos);
  CHECK_FALSE(fs::exists(blob));
}

TEST_CASE("an LSTM with activations other than the defaults is refused by name", "[cli]") {
  TempDir dir;
  auto g = tinyc::passes::testing::sequence_classifier(false);
  g->find_node("recurrent")->attrs["activations"] = std::vector<std::string>{"Sigmoid", "Relu", "Tanh"};
  const fs::path model = dir.path() / "relu_lstm.onnx";
  tinyc::onnx_format::export_model_file(*g, model);
  const CommandResult r = run_tinyc({"inspect", model.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("node 'recurrent' (LSTM): activation 'Relu' is not supported") != std::string::npos);
}
