// `tinyc analyze` end to end on digits_cnn: the table and the JSON list every prunable layer with one
// point per ratio, sensitivity grows with the ratio, and a bad ratio is one line, exit 2.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "apps/cli_runner.h"

using tinyc::test::corpus_dir;
using tinyc::test::run_tinyc;
using tinyc::test::TempDir;

TEST_CASE("prune: analyze prints and writes per-layer sensitivity curves", "[prune]") {
  TempDir dir;
  const auto json_path = dir.path() / "curves.json";
  const auto r = run_tinyc({"analyze", (corpus_dir() / "models/digits_cnn.onnx").string(), "--calib",
                            (corpus_dir() / "data/digits_calib.npy").string(), "--rows", "64", "--json",
                            json_path.string()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("output SNR (dB) by fraction of the layer removed:") != std::string::npos);
  CHECK(r.out.find("top-1 agreement with the unpruned model (%):") != std::string::npos);
  const nlohmann::json j = nlohmann::json::parse(tinyc::test::read_bytes(json_path));
  CHECK(j.at("calibration_rows") == 64);
  CHECK(j.at("ratios").size() == 8);
  // conv1 (8 channels), conv2 (16), the hidden Gemm (32); the logits Gemm feeds the graph output.
  REQUIRE(j.at("layers").size() == 3);
  const std::vector<int64_t> units = {8, 16, 32};
  for (size_t i = 0; i < 3; ++i) {
    const nlohmann::json& layer = j.at("layers")[i];
    INFO(layer.at("name"));
    CHECK(layer.at("units") == units[i]);
    CHECK(r.out.find(layer.at("name").get<std::string>()) != std::string::npos);
    const nlohmann::json& curve = layer.at("curve");
    REQUIRE(curve.size() == 8);
    CHECK(curve[0].at("snr_db").get<double>() > curve[7].at("snr_db").get<double>());
    CHECK(curve[7].at("top1_agreement").get<double>() <= 1.0);
  }
}

TEST_CASE("prune: analyze rejects a ratio outside (0, 1)", "[prune]") {
  const auto r = run_tinyc({"analyze", (corpus_dir() / "models/digits_cnn.onnx").string(), "--calib",
                            (corpus_dir() / "data/digits_calib.npy").string(), "--ratios", "0.5,1.5"});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "tinyc: error: --ratios: each ratio must be between 0 and 1 (exclusive), got 1.500000\n");
}
