// Report writers on a hand-made report: every JSON field with its value, infinities as strings,
// the Markdown page's sections, the per-layer table sorted with the worst marked, and the summary.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

#include "report/report_json.h"
#include "report/report_markdown.h"
#include "report/report_summary.h"

using namespace tinyc;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

report::AccuracyReport sample_report() {
  report::AccuracyReport r;
  r.original = {"model.onnx", 42067, 11, 9826, 39304, 86848, 0, std::nullopt, std::nullopt, std::nullopt};
  r.compressed = {"model.tinyc.onnx", 12000, 7, 9802, 9962, 86848, 0, 12000, 1024, 3000};
  r.compress_seconds = 0.012;
  r.pipeline = "fold_batchnorm,fuse_activation";
  r.calibration_selection = report::CalibrationSelection{"calib.npy", {{4, 17, 250}, 300, "flat", 3}};
  r.passes = {"fold_batchnorm: 2 rewrites", "fuse_activation: 3 rewrites"};
  r.warnings = {"ranges from BatchNorm statistics (--data-free): accuracy may be lower"};

  report::Evaluation e;
  e.seconds = 0.5;
  e.metrics.rows = 797;
  e.metrics.task = report::OutputTask::Classification;
  report::OutputError out;
  out.name = "output";
  out.elements_per_row = 10;
  out.snr_db = 31.26;
  out.cosine = 0.9996;
  out.rmse = 0.031;
  out.mae = 0.02;
  out.max_abs_error = 0.4;
  e.metrics.outputs = {out};
  report::ClassificationMetrics c;
  c.classes = 10;
  c.agreement_pct = 99.5;
  c.disagreements = 4;
  c.confusion = {{3, 5, 3}, {8, 1, 1}};
  c.top1_float_pct = 98.87;
  c.top1_compressed_pct = 98.62;
  e.metrics.classification = c;
  e.layers.layers = {{"conv1_out", "conv1", "Conv", 512, 10, 0.001, 40.0, 40.0, {}},
                     {"conv2_out", "conv2", "Conv", 1024, 10, 0.01, 30.0, 30.5, {"pad2"}},
                     {"output", "fc", "Gemm", 10, 10, 0.0075, 31.26, 45.0, {"a", "b", "c"}},
                     {"flat", "flatten", "Flatten", 256, 10, 0, kInf, kInf, {}}};
  e.layers.worst = 1;
  e.layers.skipped = {"bn_out: read by other nodes in the compressed graph"};
  r.evaluation = report::EvaluationSection{"digits_test.npy", "digits_test_labels.npy", e};
  r.gates = {{"--min-snr", 40, 31.26, "dB", false, "gate --min-snr failed: output SNR 31.3 dB (limit 40.0 dB)"},
             {"--max-size", 20000, 12000, "bytes", true, "gate --max-size passed: output file 12,000 bytes"}};
  return r;
}

}  // namespace

TEST_CASE("JSON report holds every field with its value, in the documented order") {
  const nlohmann::ordered_json ordered = report::report_to_json(sample_report());
  std::vector<std::string> keys;
  for (const auto& [key, value] : ordered.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"schema_version", "tinyc_version", "passed", "models", "compress_seconds",
                                         "calibration_selection", "pruning", "quantization", "pipeline", "passes", "evaluation", "warnings",
                                         "gates", "target"});
  const nlohmann::json j = nlohmann::json::parse(report::report_to_json(sample_report()).dump());
  CHECK(j["schema_version"] == report::kReportSchemaVersion);
  CHECK(j["tinyc_version"].is_string());
  CHECK(j["passed"] == false);
  CHECK(j["models"]["original"]["file_bytes"] == 42067);
  CHECK(j["models"]["original"]["weight_bytes"] == 39304);
  CHECK(j["models"]["compressed"]["params"] == 9802);
  CHECK(j["models"]["compressed"]["macs"] == 86848);
  CHECK(j["models"]["compressed"]["nodes"] == 7);
  CHECK(j["compress_seconds"] == 0.012);
  CHECK(j["pipeline"] == "fold_batchnorm,fuse_activation");
  CHECK(j["passes"].size() == 2);
  CHECK(j["calibration_selection"] == nlohmann::json({{"pool", "calib.npy"},
                                                      {"pool_rows", 300},
                                                      {"rows", {4, 17, 250}},
                                                      {"feature", "flat"},
                                                      {"balanced_classes", 3}}));
  const auto& ev = j["evaluation"];
  CHECK(ev["data"] == "digits_test.npy");
  CHECK(ev["labels"] == "digits_test_labels.npy");
  CHECK(ev["rows"] == 797);
  CHECK(ev["task"] == "classification");
  CHECK(ev["outputs"][0]["snr_db"] == 31.26);
  CHECK(ev["outputs"][0]["max_abs_error"] == 0.4);
  const auto& cls = ev["classification"];
  CHECK(cls["agreement_pct"] == 99.5);
  CHECK(cls["top1_float_pct"] == 98.87);
  CHECK(cls["top1_delta_points"].get<double>() == Approx(-0.25));
  CHECK(cls["confusion"][0] == nlohmann::json({{"float_class", 3}, {"compressed_class", 5}, {"count", 3}}));
  CHECK(ev["anomaly"].is_null());
  CHECK(ev["layers"].size() == 4);
  CHECK(ev["layers"][1]["worst"] == true);
  CHECK(ev["layers"][0]["worst"] == false);
  CHECK(ev["worst_layer"] == "conv2_out");
  // JSON has no infinity: an identical value's SNR is the string "inf".
  CHECK(ev["layers"][3]["snr_db"] == "inf");
  CHECK(ev["layers"][1]["uncompared_nodes"] == nlohmann::json::array({"pad2"}));
  CHECK(ev["layers"][0]["uncompared_nodes"].empty());
  CHECK(ev["layers_skipped"].size() == 1);
  CHECK(j["warnings"].size() == 1);
  CHECK(j["gates"][0]["gate"] == "--min-snr");
  CHECK(j["gates"][0]["measured"] == 31.26);
  CHECK(j["gates"][0]["passed"] == false);
  CHECK(j["gates"][1]["unit"] == "bytes");
}

TEST_CASE("JSON report without an evaluation") {
  report::AccuracyReport r = sample_report();
  r.evaluation.reset();
  r.gates.clear();
  r.compressed.file_bytes.reset();
  r.calibration_selection.reset();
  const nlohmann::json j = nlohmann::json::parse(report::report_to_json(r).dump());
  CHECK(j["evaluation"].is_null());
  CHECK(j["calibration_selection"].is_null());
  CHECK(j["passed"] == true);
  CHECK(j["models"]["compressed"]["file_bytes"].is_null());
  CHECK(report::report_summary(r).empty());
}

TEST_CASE("Markdown report: sections, layers by SNR with the worst marked") {
  const std::string md = report::report_to_markdown(sample_report());
  for (const char* heading : {"# tinyc accuracy report", "## Accuracy", "## Output agreement and error", "## Gates",
                              "## Size and compute", "## Per-layer error", "## Disagreements", "## Passes",
                              "## Warnings"})
    CHECK(md.find(heading) != std::string::npos);
  CHECK(md.find("| top-1 accuracy | 98.87 % | 98.62 % | -0.25 points |") != std::string::npos);
  CHECK(md.find("| model file | 42,067 B | 12,000 B | -71.5 % |") != std::string::npos);
  CHECK(md.find("**Gates: FAILED**") != std::string::npos);
  CHECK(md.find("| 3 | 5 | 3 |") != std::string::npos);
  CHECK(md.find("Pipeline (replay it with `--passes`): `fold_batchnorm,fuse_activation`") != std::string::npos);
  CHECK(md.find("Calibration rows: 3 of the 300 in `calib.npy`, chosen to cover the float model's activations at "
                "`flat`, balanced over 3 predicted classes (rows 4, 17, 250).") != std::string::npos);
  // Lowest SNR first: conv2 (30), output (31.26), conv1 (40), flat (inf); only conv2 is marked.
  const size_t conv2 = md.find("| `conv2_out`"), out = md.find("| `output`"), conv1 = md.find("| `conv1_out`"),
               flat = md.find("| `flat`");
  REQUIRE(conv2 != std::string::npos);
  CHECK(conv2 < out);
  CHECK(out < conv1);
  CHECK(conv1 < flat);
  const std::string conv2_row = md.substr(conv2, md.find('\n', conv2) - conv2);
  CHECK(conv2_row.find("worst") != std::string::npos);
  CHECK(conv2_row.find("| `pad2` → `conv2` | Conv | 30.0 | 30.5 |") != std::string::npos);
  CHECK(md.find("| `a` → `b` → … → `fc` | Gemm |") != std::string::npos);
  CHECK(md.find("worst: adds the most error") == md.rfind("worst: adds the most error"));
  CHECK(md.find("bn_out: read by other nodes") != std::string::npos);
}

TEST_CASE("stdout summary is a few lines with the headline numbers") {
  const std::string s = report::report_summary(sample_report());
  const auto lines = std::count(s.begin(), s.end(), '\n');
  CHECK(lines >= 4);
  CHECK(lines <= 5);
  CHECK(s.find("evaluated 797 rows of digits_test.npy") != std::string::npos);
  CHECK(s.find("top-1: float 98.87 %, compressed 98.62 % (-0.25 points), agreement 99.50 %") != std::string::npos);
  CHECK(s.find("output: SNR 31.3 dB, cosine 0.999600, RMSE 0.031, max abs error 0.4") != std::string::npos);
  CHECK(s.find("worst layer: conv2_out (Conv conv2, with pad2), SNR 30.0 dB, adds error at 30.5 dB") !=
        std::string::npos);
  CHECK(s.find("gates: 1 of 2 failed (--min-snr)") != std::string::npos);
}

TEST_CASE("Markdown report: how the int8 ranges were found, with data or without") {
  report::AccuracyReport r = sample_report();
  r.quantization = report::QuantizationFacts{};
  r.quantization->calibration_method = "auto";
  r.quantization->calibration_rows = 300;
  r.quantization->calibration_seconds = 0.25;
  r.quantization->ranges_by_method = {{"minmax", 2}, {"mse", 5}};
  CHECK(report::report_to_markdown(r).find(
            "Quantized to int8; activation ranges: auto, calibrated on 300 rows in 250.0 ms (ranges by method: "
            "minmax 2, mse 5).") != std::string::npos);
  r.quantization = report::QuantizationFacts{};
  r.quantization->calibration_method = "data_free";
  r.quantization->calibration_seconds = 2.5;
  CHECK(report::report_to_markdown(r).find(
            "Quantized to int8; activation ranges: data_free, estimated without data in 2.50 s.\n") != std::string::npos);
}

TEST_CASE("Markdown report: each layer's weight width and why, when not all 8-bit was asked") {
  report::AccuracyReport r = sample_report();
  r.quantization = report::QuantizationFacts{};
  r.quantization->calibration_method = "auto";
  CHECK(report::report_to_markdown(r).find("## Weight widths") == std::string::npos);
  r.quantization->weight_bits = "auto";
  r.quantization->rounding = "optimal";
  r.quantization->width_criterion = "top-1 agreement 99.20 % with the float model on the calibration rows";
  r.quantization->weight_layers = {{"conv1", "Conv", 4, 0.0123, 0.00004, "rank 1 of 2"},
                                   {"up", "ConvTranspose", 8, std::nullopt, std::nullopt, "TFLM has no 4-bit kernel"}};
  const std::string md = report::report_to_markdown(r);
  CHECK(md.find("Quantized to int8 (4- and 8-bit weights); activation ranges: auto") != std::string::npos);
  CHECK(md.find("4-bit weights on 1 of 2 weighted layers (--weight-bits auto, optimal rounding); top-1 agreement "
                "99.20 %") != std::string::npos);
  CHECK(md.find("| `conv1` | Conv | 4 | 0.0123 | 4e-05 | rank 1 of 2 |") != std::string::npos);
  CHECK(md.find("| `up` | ConvTranspose | 8 | — | — | TFLM has no 4-bit kernel |") != std::string::npos);
}
