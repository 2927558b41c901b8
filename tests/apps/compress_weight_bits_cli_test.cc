// `tinyc compress --weight-bits 4|auto --rounding ...` end to end: INT4 tensors in the blob, the
// report's widths and reasons, the replayed pipeline, and the combinations refused before any work.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "formats/tflite/read.h"
#include "support/test_support.h"

using namespace tinyc::test;
namespace fs = std::filesystem;

namespace {

std::string corpus_data(const std::string& file) { return (corpus_dir() / "data" / file).string(); }

std::string digits_cnn() { return corpus_model_path("digits_cnn").string(); }

CommandResult compress(const std::vector<std::string>& extra, const fs::path& blob, const fs::path& report) {
  std::vector<std::string> args{"compress", digits_cnn(), "--int8", "--calib", corpus_data("digits_calib.npy"),
                                "-o", blob.string(), "--report", report.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_tinyc(args);
}

}  // namespace

TEST_CASE("compress --weight-bits 4 writes INT4 weights, reports each layer's width, and replays to the same bytes",
          "[int4]") {
  TempDir dir;
  const auto eight = compress({}, dir.path() / "8.tflite", dir.path() / "8.json");
  REQUIRE(eight.exit_code == 0);
  const auto four = compress({"--weight-bits", "4"}, dir.path() / "4.tflite", dir.path() / "4.json");
  INFO(four.err);
  REQUIRE(four.exit_code == 0);
  const auto summary = tinyc::tflite_format::read_tflite_file(dir.path() / "4.tflite");
  size_t int4 = 0;
  for (const auto& t : summary.tensors) int4 += t.type == "INT4";
  CHECK(int4 == 4);  // two Conv and two Gemm weights
  CHECK(fs::file_size(dir.path() / "4.tflite") < fs::file_size(dir.path() / "8.tflite") * 6 / 10);

  const auto j = nlohmann::json::parse(read_bytes(dir.path() / "4.json"));
  const auto& w = j["quantization"]["weights"];
  CHECK(w["bits"] == "4");
  CHECK(w["rounding"] == "optimal");  // the default at 4 bits with calibration rows
  REQUIRE(w["layers"].size() == 4);
  for (const auto& layer : w["layers"]) {
    CHECK(layer["bits"] == 4);
    CHECK(layer["why"] == "as asked");
  }
  CHECK(read_bytes(dir.path() / "4.md").find("## Weight widths") != std::string::npos);
  CHECK(j["pipeline"].get<std::string>().find("weight_bits=4,rounding=optimal") != std::string::npos);

  const auto replay = run_tinyc({"compress", digits_cnn(), "--calib", corpus_data("digits_calib.npy"), "--passes",
                                 j["pipeline"].get<std::string>(), "-o", (dir.path() / "replay.tflite").string()});
  INFO(replay.err);
  REQUIRE(replay.exit_code == 0);
  CHECK(read_bytes(dir.path() / "4.tflite") == read_bytes(dir.path() / "replay.tflite"));
}

TEST_CASE("compress --weight-bits auto names the bar it kept on the calibration rows", "[int4]") {
  TempDir dir;
  const auto r = compress({"--weight-bits", "auto"}, dir.path() / "a.tflite", dir.path() / "a.json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto w = nlohmann::json::parse(read_bytes(dir.path() / "a.json"))["quantization"]["weights"];
  CHECK(w["bits"] == "auto");
  CHECK(w["criterion"].get<std::string>().find("(bar: top-1 agreement of at least 99 %") != std::string::npos);
  for (const auto& layer : w["layers"]) {
    CHECK(layer["error_at_4"].is_number());
    CHECK(layer["why"].get<std::string>().find("by added output error per byte saved") != std::string::npos);
  }
}

TEST_CASE("compress --weight-bits auto --max-size takes the fewest 4-bit layers that fit, and fails the gate with "
          "exit 3 when even all 4-bit does not", "[int4]") {
  TempDir dir;
  // digits_cnn: 11,912 B with int8 weights, 6,928 B with all four layers at 4 bits.
  const auto fits = compress({"--weight-bits", "auto", "--max-size", "10000"}, dir.path() / "a.tflite",
                             dir.path() / "a.json");
  INFO(fits.err);
  REQUIRE(fits.exit_code == 0);
  CHECK(fs::file_size(dir.path() / "a.tflite") <= 10000);
  const auto w = nlohmann::json::parse(read_bytes(dir.path() / "a.json"))["quantization"]["weights"];
  int four = 0;
  for (const auto& layer : w["layers"]) four += layer["bits"] == 4;
  CHECK(four >= 1);
  CHECK(four < 4);
  CHECK(w["criterion"].get<std::string>().find("within the --max-size limit of 10000 B") != std::string::npos);

  const auto over = compress({"--weight-bits", "auto", "--max-size", "5000"}, dir.path() / "b.tflite",
                             dir.path() / "b.json");
  CHECK(over.exit_code == 3);
  const auto v = nlohmann::json::parse(read_bytes(dir.path() / "b.json"))["quantization"]["weights"];
  CHECK(v["criterion"].get<std::string>().find("over the --max-size limit of 5000 B") != std::string::npos);
  for (const auto& layer : v["layers"]) CHECK(layer["bits"] == 4);
}

TEST_CASE("compress --weight-bits auto --max-ram keeps 8-bit the layers whose unpacked 4-bit filter would not fit "
          "the arena", "[int4]") {
  TempDir dir;
  // digits_cnn: 3,052 B of RAM with int8 weights; its 256 x 32 fully connected filter alone unpacks to 8,192 B.
  const auto r = compress({"--weight-bits", "auto", "--max-ram", "5000"}, dir.path() / "a.tflite",
                          dir.path() / "a.json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_bytes(dir.path() / "a.json"));
  CHECK(j["models"]["compressed"]["ram_bytes"].get<int64_t>() <= 5000);
  int four = 0, over = 0;
  for (const auto& layer : j["quantization"]["weights"]["layers"]) {
    four += layer["bits"] == 4;
    over += layer["why"].get<std::string>().find("over --max-ram 5000 B") != std::string::npos;
  }
  CHECK(four >= 1);
  CHECK(over >= 1);
}

TEST_CASE("compress refuses weight widths and roundings that cannot be honoured, leaving no file", "[int4]") {
  TempDir dir;
  const fs::path blob = dir.path() / "m.tflite";
  const auto check_refused = [&](const std::vector<std::string>& args, const std::string& message) {
    const auto r = run_tinyc(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK_FALSE(fs::exists(blob));
  };
  check_refused({"compress", digits_cnn(), "--weight-bits", "4", "-o", blob.string()}, "add --int8");
  check_refused({"compress", digits_cnn(), "--int8", "--calib", corpus_data("digits_calib.npy"), "--weight-bits", "4",
                 "--format", "onnx-qdq", "-o", (dir.path() / "m.onnx").string()},
                "ONNX has INT4 only from opset 21");
  check_refused({"compress", digits_cnn(), "--int8", "--calib", corpus_data("digits_calib.npy"), "--weight-bits",
                 "auto", "--rounding", "nearest", "-o", blob.string()},
                "leave out --rounding nearest");
  check_refused({"compress", digits_cnn(), "--int8", "--data-free", "--weight-bits", "4", "--rounding", "optimal",
                 "-o", blob.string()},
                "--rounding optimal measures each layer's output error on calibration rows");
  check_refused({"compress", digits_cnn(), "--int8", "--calib", corpus_data("digits_calib.npy"), "--weight-bits", "3",
                 "-o", blob.string()},
                "--weight-bits");
  CHECK_FALSE(fs::exists(dir.path() / "m.onnx"));
}
