// `tinyc compress --prune` end to end: pruned + int8 blob with the report's pruning section (float,
// pruned float, compressed), the unstructured caveat, pruning without data on synthesized rows, and
// refused option combinations.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "support/test_support.h"

using namespace tinyc::test;
namespace fs = std::filesystem;

namespace {

std::string corpus_data(const std::string& file) { return (corpus_dir() / "data" / file).string(); }

std::string digits_cnn() { return corpus_model_path("digits_cnn").string(); }

nlohmann::json compress_digits(const TempDir& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"compress",      digits_cnn(),
                                "--calib",       corpus_data("digits_calib.npy"),
                                "--eval",        corpus_data("digits_test.npy"),
                                "--labels",      corpus_data("digits_test_labels.npy"),
                                "--report",      (dir.path() / "r.json").string(),
                                "-o",            (dir.path() / "m.tflite").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_tinyc(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(read_bytes(dir.path() / "r.json"));
}

}  // namespace

TEST_CASE("compress --prune 0.5 --int8 writes a smaller blob and reports float, pruned float and int8") {
  TempDir unpruned_dir, pruned_dir;
  const auto unpruned = compress_digits(unpruned_dir, {"--int8"});
  const auto j = compress_digits(pruned_dir, {"--int8", "--prune", "0.5"});
  const auto& p = j["pruning"];
  CHECK(p["granularity"] == "structured");
  CHECK(p["requested_ratio"] == 0.5);
  CHECK(p["achieved_ratio"].get<double>() >= 0.5);
  CHECK(p["prunable_after"].get<double>() <= 0.5 * p["prunable_before"].get<double>());
  CHECK(!p["layers"].empty());
  REQUIRE(!p["refits"].empty());
  for (const auto& f : p["refits"]) {
    INFO(f.dump());
    CHECK(f["error_before"].get<double>() >= 0);
    if (f["applied"].get<bool>()) CHECK(f["error_after"].get<double>() < f["error_before"].get<double>());
  }
  const auto original_params = j["models"]["original"]["params"].get<double>();
  CHECK(p["pruned_float"]["params"].get<double>() < 0.6 * original_params);
  CHECK(j["models"]["compressed"]["params"] == p["pruned_float"]["params"]);
  CHECK(j["models"]["compressed"]["macs"].get<double>() < j["models"]["original"]["macs"].get<double>());
  CHECK(j["models"]["compressed"]["blob_bytes"].get<double>() <
        0.7 * unpruned["models"]["compressed"]["blob_bytes"].get<double>());
  const auto& pruned_float = p["pruned_float_evaluation"];
  REQUIRE(pruned_float.is_object());
  CHECK(pruned_float["rows"] == 797);
  CHECK(pruned_float["top1_pct"].get<double>() > 90.0);
  CHECK(j["evaluation"]["classification"]["top1_compressed_pct"].get<double>() > 90.0);
  const std::string md = read_bytes(pruned_dir.path() / "r.md");
  CHECK(md.find("## Pruning") != std::string::npos);
  CHECK(md.find("| pruned float |") != std::string::npos);
  CHECK(md.find("Least-squares refits") != std::string::npos);
}

TEST_CASE("compress --prune unstructured says in the report that the blob does not shrink") {
  TempDir dir;
  const auto j = compress_digits(dir, {"--int8", "--prune", "0.5", "--prune-granularity", "unstructured"});
  CHECK(j["pruning"]["granularity"] == "unstructured");
  CHECK(j["pruning"]["achieved_ratio"].get<double>() >= 0.5);
  CHECK(j["models"]["compressed"]["macs"] == j["models"]["original"]["macs"]);
  bool said = false;
  for (const auto& w : j["warnings"]) said = said || w.get<std::string>().find("shrink") != std::string::npos;
  CHECK(said);
}

TEST_CASE("compress --prune without --calib prunes on rows synthesized from the model, the same bytes every run") {
  TempDir dir;
  const auto args = [&](const std::string& out) {
    return std::vector<std::string>{"compress", digits_cnn(), "--prune", "0.5", "--int8",
                                    // Measured on the calibration split: the test split stays unseen.
                                    "--eval", corpus_data("digits_calib.npy"), "--labels", corpus_data("digits_calib_labels.npy"),
                                    "--report", (dir.path() / "r.json").string(), "-o", (dir.path() / out).string()};
  };
  const auto r = run_tinyc(args("a.tflite"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("pruning without --calib") != std::string::npos);
  const auto j = nlohmann::json::parse(read_bytes(dir.path() / "r.json"));
  CHECK(j["pruning"]["synthesized_rows"] == 64);
  CHECK(j["pruning"]["synthesis_seconds"].get<double>() > 0);
  CHECK(j["pruning"]["achieved_ratio"].get<double>() >= 0.5);
  CHECK(j["quantization"]["calibration_method"] == "data_free");
  CHECK(j["quantization"]["calibration_rows"] == 64);
  bool caveat = false;
  for (const auto& w : j["warnings"]) caveat = caveat || w.get<std::string>().find("synthesized") != std::string::npos;
  CHECK(caveat);
  CHECK(j["evaluation"]["classification"]["agreement_pct"].get<double>() >= 97.0);
  CHECK(read_bytes(dir.path() / "r.md").find("rows synthesized from the model's BatchNorm statistics") != std::string::npos);
  REQUIRE(run_tinyc(args("b.tflite")).exit_code == 0);
  CHECK(read_bytes(dir.path() / "a.tflite") == read_bytes(dir.path() / "b.tflite"));
  // The report's pipeline, replayed as --passes without data, synthesizes the same rows.
  const auto replay = run_tinyc({"compress", digits_cnn(), "--passes", j["pipeline"].get<std::string>(), "-o",
                                 (dir.path() / "c.tflite").string()});
  REQUIRE(replay.exit_code == 0);
  CHECK(read_bytes(dir.path() / "a.tflite") == read_bytes(dir.path() / "c.tflite"));
}

TEST_CASE("compress --prune 0.5 --int8 without data keeps fmnist_cnn_bn within 4.5 points on held-out rows", "[slow]") {
  // Uniform noise as calibration rows costs 37 points here; the synthesized rows 2.7 (docs/pruning.md).
  TempDir dir;
  const auto r = run_tinyc({"compress", corpus_model_path("fmnist_cnn_bn").string(), "--prune", "0.5", "--int8", "-o",
                            (dir.path() / "m.tflite").string(), "--eval", corpus_data("fmnist_calib.npy"), "--labels",
                            corpus_data("fmnist_calib_labels.npy"), "--report", (dir.path() / "r.json").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_bytes(dir.path() / "r.json"));
  CHECK(j["pruning"]["synthesized_rows"] == 64);
  CHECK(j["evaluation"]["classification"]["top1_delta_points"].get<double>() >= -4.5);
  CHECK(j["evaluation"]["classification"]["agreement_pct"].get<double>() >= 92.0);
}

TEST_CASE("compress --prune without --calib on a model without BatchNorm asks for data") {
  TempDir dir;
  const auto r = run_tinyc({"compress", corpus_model_path("digits_mlp").string(), "--prune", "0.5", "-o",
                            (dir.path() / "m.tflite").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("BatchNormalization statistics") != std::string::npos);
  CHECK(r.err.find("give --calib") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "m.tflite"));
}

TEST_CASE("impossible pruning options are refused with one line, exit 2, and no file") {
  TempDir dir;
  const std::string out = (dir.path() / "m.tflite").string();
  const std::string calib = corpus_data("digits_calib.npy");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--int8", "--calib", calib, "--prune", "1.5"}, "between 0 and 1"},
      {{"--int8", "--calib", calib, "--prune", "0"}, "between 0 and 1"},
      {{"--prune", "0.5", "--calib-samples", "10"}, "--prune chooses layer ratios"},
      {{"--prune", "0.5", "--data-free", "--calib", calib}, "--data-free synthesizes its calibration rows"},
      {{"--prune-granularity", "unstructured"}, "--prune-granularity needs --prune"},
      {{"--prune", "0.5", "--calib", calib, "--passes", "fold_constants,prune(ratio=0.3)"}, "give the pruning once"},
      {{"--int8", "--calib", calib, "--passes", "fold_constants,quantize_int8,prune(ratio=0.3)"},
       "prune after quantize_int8"},
  };
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args{"compress", digits_cnn(), "-o", out};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_tinyc(args);
    INFO(extra.back() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 0);
  }
}
