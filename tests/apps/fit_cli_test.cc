// `tinyc fit`: on digits_cnn for a small board, the chosen file is what its compress command writes,
// byte for byte, and the table's numbers are what compress reports for a point; nothing fitting is
// exit 3 with the closest point and no model file; bad input is exit 2 before any work.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_runner.h"
#include "support/test_support.h"

using namespace tinyc::test;
namespace fs = std::filesystem;

namespace {

std::string corpus_data(const std::string& file) { return (corpus_dir() / "data" / file).string(); }

fs::path write_profile(const fs::path& dir, const std::string& name, int64_t flash, int64_t ram) {
  const fs::path path = dir / (name + ".json");
  std::ofstream(path) << R"({"name": ")" << name << R"(", "core": "Cortex-M4F", "flash_bytes": )" << flash
                      << R"(, "ram_bytes": )" << ram << R"(, "runtime_flash_bytes": 0, "runtime_ram_bytes": 0})";
  return path;
}

CommandResult fit_digits_cnn(const fs::path& profile, const fs::path& out, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"fit",     corpus_model_path("digits_cnn").string(), "--target-file", profile.string(),
                                "--calib", corpus_data("digits_calib.npy"), "--out-dir", out.string(),
                                "--calib-methods", "auto,minmax"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_tinyc(args);
}

// A command line of plain words (the test's paths need no quoting) without its leading "tinyc".
std::vector<std::string> words_after_tinyc(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  REQUIRE(words.front() == "tinyc");
  return {words.begin() + 1, words.end()};
}

}  // namespace

TEST_CASE("tinyc fit: the chosen file is what its compress command writes, and the table agrees with compress",
          "[fit]") {
  TempDir dir;
  // digits_cnn: 11,912 B at int8 unpruned; 3,128 B pruned by 0.75 with 4-bit weights.
  const fs::path board = write_profile(dir.path(), "small", 4200, 4000);
  const fs::path out = dir.path() / "fit";
  const auto r = fit_digits_cnn(board, out,
                                {"--eval", corpus_data("digits_test.npy"), "--labels", corpus_data("digits_test_labels.npy")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_bytes(out / "fit.json"));
  REQUIRE(j["points"].size() == 13);  // 4 ratios x 3 widths, and minmax at the chosen one
  REQUIRE(j["chosen"].is_number());
  const auto& chosen = j["points"][j["chosen"].get<size_t>()];
  CHECK(chosen["fits"] == true);
  CHECK(chosen["flash_bytes"].get<int64_t>() <= 4200);
  CHECK(chosen["ram_bytes"].get<int64_t>() <= 4000);
  CHECK(chosen["prune_ratio"].get<double>() > 0);  // nothing unpruned fits 4,200 B
  CHECK(fs::file_size(out / "digits_cnn.tflite") == chosen["flash_bytes"].get<uint64_t>());
  for (const auto& p : j["points"])
    if (p["fits"] == true) CHECK(p["loss"].is_number());
  CHECK(r.out.find("reproduce: " + j["command"].get<std::string>()) != std::string::npos);
  CHECK(read_bytes(out / "fit.md").find(j["command"].get<std::string>()) != std::string::npos);
  CHECK(read_bytes(out / "fit.svg").find("<svg") == 0);

  const std::string written = read_bytes(out / "digits_cnn.tflite");
  const auto again = run_tinyc(words_after_tinyc(j["command"]));
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(read_bytes(out / "digits_cnn.tflite") == written);
  const auto report = nlohmann::json::parse(read_bytes(out / "digits_cnn.report.json"));
  CHECK(report["evaluation"]["classification"]["top1_compressed_pct"].get<double>() ==
        Approx(chosen["top1_pct"].get<double>()).epsilon(1e-12));

  // Another configuration, mixed widths on a pruned model: compress reports the table's numbers.
  for (const auto& p : j["points"]) {
    if (!(p["weight_bits"] == "auto" && p["fits"] == true)) continue;
    const auto mixed = run_tinyc(words_after_tinyc(p["command"]));
    REQUIRE(mixed.exit_code == 0);
    const auto m = nlohmann::json::parse(read_bytes(out / "digits_cnn.report.json"));
    CHECK(m["models"]["compressed"]["blob_bytes"] == p["flash_bytes"]);
    CHECK(m["models"]["compressed"]["ram_bytes"] == p["ram_bytes"]);
    CHECK(m["evaluation"]["classification"]["top1_compressed_pct"].get<double>() ==
          Approx(p["top1_pct"].get<double>()).epsilon(1e-12));
  }
}

TEST_CASE("tinyc fit: a board nothing fits is exit 3 with the closest point, and no model file", "[fit]") {
  TempDir dir;
  const fs::path board = write_profile(dir.path(), "tiny", 2000, 1500);
  const fs::path out = dir.path() / "fit";
  const auto r = fit_digits_cnn(board, out, {"--prune-ratios", "0,0.75", "--weight-bits", "8,4"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("nothing tried fits tiny: the closest, prune 0.75") != std::string::npos);
  CHECK(!fs::exists(out / "digits_cnn.tflite"));
  const auto j = nlohmann::json::parse(read_bytes(out / "fit.json"));
  CHECK(j["chosen"].is_null());
  CHECK(j["closest"].is_number());
  CHECK(j["points"].size() == 4);
}

TEST_CASE("tinyc fit: bad input is one line and exit 2 before any work", "[fit]") {
  TempDir dir;
  const std::string model = corpus_model_path("digits_cnn").string();
  const std::string calib = corpus_data("digits_calib.npy");
  const auto unknown = run_tinyc({"fit", model, "--target", "nope", "--calib", calib});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("known: stm32g031k8") != std::string::npos);
  const auto no_target = run_tinyc({"fit", model, "--calib", calib});
  CHECK(no_target.exit_code == 2);
  CHECK(no_target.err.find("give --target NAME") != std::string::npos);
  const auto no_calib = run_tinyc({"fit", model, "--target", "rp2040"});
  CHECK(no_calib.exit_code == 2);
  CHECK(no_calib.err.find("give --calib") != std::string::npos);
  std::ofstream(dir.path() / "bad.json") << R"({"name": "x", "flash_bytes": 3000})";
  const auto bad_profile = run_tinyc({"fit", model, "--target-file", (dir.path() / "bad.json").string(), "--calib", calib});
  CHECK(bad_profile.exit_code == 2);
  CHECK(bad_profile.err.find("'core' is missing") != std::string::npos);
  const auto drop = run_tinyc({"fit", model, "--target", "rp2040", "--calib", calib, "--max-accuracy-drop", "1",
                               "--out-dir", (dir.path() / "o").string()});
  CHECK(drop.exit_code == 2);
  CHECK(drop.err.find("--max-accuracy-drop needs eval data") != std::string::npos);
  CHECK(!fs::exists(dir.path() / "o"));  // nothing was made for a run refused before its work
  const auto ratio = run_tinyc({"fit", model, "--target", "rp2040", "--calib", calib, "--prune-ratios", "0.5,1"});
  CHECK(ratio.exit_code == 2);
  const auto int8 = run_tinyc({"fit", (corpus_dir() / "tflite/pretrainedResnet_quant.tflite").string(), "--target",
                               "rp2040", "--calib", calib});
  CHECK(int8.exit_code == 2);
  CHECK(int8.err.find("already int8") != std::string::npos);
  const auto missing_dir = run_tinyc({"fit", model, "--target", "rp2040", "--calib", calib, "--out-dir",
                                      (dir.path() / "no/such/dir").string()});
  CHECK(missing_dir.exit_code == 2);
  CHECK(missing_dir.err.find("does not exist") != std::string::npos);
}
