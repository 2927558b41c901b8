// `tinyc compress` with the accuracy report end to end: JSON and Markdown written, agreement of the
// folding pipeline, gate failures (exit 3, one line, report still written), and usage errors refused
// before any work with no file left behind.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "support/test_support.h"

using namespace tinyc::test;
namespace fs = std::filesystem;

namespace {

size_t line_count(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

std::string corpus_data(const std::string& file) { return (corpus_dir() / "data" / file).string(); }

// compress digits_cnn into `dir` with the eval set and its labels, plus `extra` arguments.
CommandResult compress_digits(const TempDir& dir, std::vector<std::string> extra) {
  std::vector<std::string> args{"compress",
                                corpus_model_path("digits_cnn").string(),
                                "-o",
                                (dir.path() / "out.onnx").string(),
                                "--eval",
                                corpus_data("digits_test.npy")};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_tinyc(args);
}

size_t files_in(const fs::path& dir) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("compress --eval --report writes JSON and Markdown reports") {
  TempDir dir;
  const std::string report = (dir.path() / "r.json").string();
  const auto r = compress_digits(dir, {"--labels", corpus_data("digits_test_labels.npy"), "--report", report,
                                       "--min-agreement", "99.9", "--max-accuracy-drop", "0.01"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(line_count(r.out) >= 5);
  CHECK(line_count(r.out) <= 8);
  CHECK(r.out.find("top-1: float 98.87 %, compressed 98.87 % (+0.00 points), agreement 100.00 %") != std::string::npos);
  CHECK(r.out.find("gates: all 2 passed") != std::string::npos);
  CHECK(fs::exists(dir.path() / "out.onnx"));

  const auto j = nlohmann::json::parse(read_bytes(report));
  CHECK(j["passed"] == true);
  for (const char* side : {"original", "compressed"})
    for (const char* field : {"file_bytes", "nodes", "params", "weight_bytes", "macs"}) {
      INFO(side << "." << field);
      CHECK(j["models"][side][field].is_number_integer());
    }
  CHECK(j["models"]["original"]["file_bytes"] == 42067);
  CHECK(j["models"]["original"]["params"] == 9826);
  CHECK(j["models"]["original"]["macs"] == 86848);
  CHECK(j["models"]["compressed"]["file_bytes"] == fs::file_size(dir.path() / "out.onnx"));
  CHECK(j["models"]["compressed"]["nodes"].get<int>() < j["models"]["original"]["nodes"].get<int>());
  CHECK(j["compress_seconds"].is_number());
  CHECK(!j["passes"].empty());
  const auto& ev = j["evaluation"];
  CHECK(ev["rows"] == 797);
  CHECK(ev["classification"]["agreement_pct"] == 100.0);
  CHECK(ev["classification"]["top1_float_pct"].get<double>() == Approx(98.87).margin(0.005));
  CHECK(ev["classification"]["top1_delta_points"] == 0.0);
  CHECK(ev["outputs"][0]["snr_db"].get<double>() > 80);
  for (const char* field : {"cosine", "rmse", "mae", "max_abs_error"}) CHECK(ev["outputs"][0][field].is_number());
  CHECK(!ev["layers"].empty());
  for (const auto& layer : ev["layers"]) CHECK(layer["snr_db"].is_number());
  CHECK(j["gates"].size() == 2);

  const std::string md = read_bytes(dir.path() / "r.md");
  CHECK(md.find("# tinyc accuracy report") != std::string::npos);
  CHECK(md.find("| top-1 agreement | 100.00 %") != std::string::npos);
  CHECK(md.find("## Per-layer error") != std::string::npos);
}

TEST_CASE("compress --report-md alone writes only the Markdown report") {
  TempDir dir;
  const auto r = compress_digits(dir, {"--report-md", (dir.path() / "page.md").string()});
  REQUIRE(r.exit_code == 0);
  CHECK(fs::exists(dir.path() / "page.md"));
  CHECK(files_in(dir.path()) == 2);  // out.onnx and page.md
  CHECK(r.out.find("top-1 agreement 100.00 % (no labels") != std::string::npos);
}

TEST_CASE("a failed gate exits 3 with one line, and the report and model are still written") {
  TempDir dir;
  const std::string report = (dir.path() / "r.json").string();
  const auto r = compress_digits(dir, {"--report", report, "--min-snr", "1000"});
  CHECK(r.exit_code == 3);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("tinyc: error: gate --min-snr failed: output SNR ") == 0);
  CHECK(r.err.find(" dB (limit 1000.0 dB)") != std::string::npos);
  CHECK(fs::exists(dir.path() / "out.onnx"));
  CHECK(fs::exists(dir.path() / "r.md"));
  const auto j = nlohmann::json::parse(read_bytes(report));
  CHECK(j["passed"] == false);
  CHECK(j["gates"][0]["gate"] == "--min-snr");
  CHECK(j["gates"][0]["limit"] == 1000.0);
  CHECK(j["gates"][0]["passed"] == false);
}

TEST_CASE("compress --max-size gates the written model file, with or without --eval") {
  TempDir dir;
  const auto r = run_tinyc({"compress", corpus_model_path("digits_cnn").string(), "-o",
                            (dir.path() / "out.onnx").string(), "--max-size", "1000"});
  CHECK(r.exit_code == 3);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("gate --max-size failed: output file ") != std::string::npos);
  CHECK(r.err.find("bytes (limit 1,000 bytes)") != std::string::npos);
  CHECK(fs::exists(dir.path() / "out.onnx"));
  const auto ok = run_tinyc({"compress", corpus_model_path("digits_cnn").string(), "-o",
                             (dir.path() / "out.onnx").string(), "--max-size", "100000"});
  CHECK(ok.exit_code == 0);
}

TEST_CASE("gates that cannot be measured are refused before any work, leaving no file") {
  TempDir dir;
  const std::string report = (dir.path() / "r.json").string();
  auto r = compress_digits(dir, {"--report", report, "--max-accuracy-drop", "0.5"});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("--max-accuracy-drop needs labels") != std::string::npos);
  CHECK(files_in(dir.path()) == 0);

  r = run_tinyc({"compress", corpus_model_path("digits_cnn").string(), "-o", (dir.path() / "out.onnx").string(),
                 "--min-snr", "30"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--min-snr needs eval data") != std::string::npos);
  CHECK(files_in(dir.path()) == 0);
}

TEST_CASE("bad eval data or labels fail with one line and leave no file") {
  TempDir dir;
  const std::string report = (dir.path() / "r.json").string();
  auto r = compress_digits(dir, {"--labels", corpus_data("digits_calib_labels.npy"), "--report", report});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("has shape 300") != std::string::npos);
  CHECK(files_in(dir.path()) == 0);

  r = run_tinyc({"compress", corpus_model_path("digits_cnn").string(), "-o", (dir.path() / "out.onnx").string(),
                 "--eval", corpus_data("fmnist_calib.npy"), "--report", report});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(files_in(dir.path()) == 0);

  r = compress_digits(dir, {"--report", (dir.path() / "missing" / "r.json").string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("does not exist") != std::string::npos);
  CHECK(files_in(dir.path()) == 0);
}
