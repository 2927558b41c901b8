// Two runs of the same command, one with 1 worker thread and one with 2, write the same bytes: the
// .tflite, its C header, the QDQ ONNX file and the report (JSON with its timing fields, which the JSON
// keeps apart, set aside; Markdown with its run times masked).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "support/test_support.h"

using namespace tinyc;

namespace fs = std::filesystem;

namespace {

// The JSON without its timing fields ("seconds", "calibration_seconds", "compress_seconds").
nlohmann::json without_timing(nlohmann::json j) {
  if (j.is_object()) {
    for (const char* key : {"seconds", "calibration_seconds", "compress_seconds"}) j.erase(key);
    for (auto& [key, value] : j.items()) value = without_timing(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = without_timing(value);
  }
  return j;
}

// The Markdown with every run time ("0.42 ms", "2.50 s") replaced by "T".
std::string without_durations(const std::string& text) {
  static const std::regex duration(R"(\d+(\.\d+)? (ms|s)\b)");
  return std::regex_replace(text, duration, "T");
}

}  // namespace

TEST_CASE("the same compress command writes identical files with 1 and 2 threads", "[cli]") {
  const std::string model = test::corpus_model_path("digits_cnn").string();
  const std::string calib = (test::corpus_dir() / "data" / "digits_calib.npy").string();
  const std::string eval = (test::corpus_dir() / "data" / "digits_test.npy").string();
  const std::string labels = (test::corpus_dir() / "data" / "digits_test_labels.npy").string();
  test::TempDir first, second;
  for (const auto& [dir, threads] : {std::pair{first.path(), "1"}, std::pair{second.path(), "2"}}) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"compress", model, "--int8", "--calib", calib, "--prune", "0.5", "-o", "m.tflite", "--emit-c", "m.h",
              "--eval", eval, "--labels", labels, "--report", "report.json", "--threads", threads},
             {"compress", model, "--int8", "--calib", calib, "--format", "onnx-qdq", "-o", "m.qdq.onnx", "--threads",
              threads}}) {
      const test::CommandResult r = test::run_tinyc(args, dir);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
    }
  }
  for (const char* file : {"m.tflite", "m.h", "m.qdq.onnx"}) {
    INFO(file);
    CHECK(test::read_bytes(first.path() / file) == test::read_bytes(second.path() / file));
  }
  CHECK(without_timing(nlohmann::json::parse(test::read_bytes(first.path() / "report.json"))) ==
        without_timing(nlohmann::json::parse(test::read_bytes(second.path() / "report.json"))));
  CHECK(without_durations(test::read_bytes(first.path() / "report.md")) ==
        without_durations(test::read_bytes(second.path() / "report.md")));
}
