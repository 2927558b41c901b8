// `tinyc targets` and `compress --target / --target-file`: the board's budgets become the size and
// RAM gates, the report shows the fit, --weight-bits auto fits the budget, and bad profiles are
// refused before any work.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "support/test_support.h"

using namespace tinyc::test;
namespace fs = std::filesystem;

namespace {

std::string corpus_data(const std::string& file) { return (corpus_dir() / "data" / file).string(); }

CommandResult compress_digits_cnn(const std::vector<std::string>& extra, const fs::path& dir) {
  std::vector<std::string> args{"compress", corpus_model_path("digits_cnn").string(), "--int8", "--calib",
                                corpus_data("digits_calib.npy"), "-o", (dir / "m.tflite").string(), "--report",
                                (dir / "r.json").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_tinyc(args);
}

fs::path write_profile(const fs::path& dir, const std::string& json) {
  const fs::path path = dir / "board.json";
  std::ofstream(path) << json;
  return path;
}

}  // namespace

TEST_CASE("tinyc targets lists every profile with the flash and RAM left for the model", "[targets]") {
  const auto r = run_tinyc({"targets", "--json"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["targets"].size() >= 8);
  for (const auto& t : j["targets"]) {
    INFO(t["name"]);
    CHECK(t["flash_budget_bytes"].get<int64_t>() ==
          t["flash_bytes"].get<int64_t>() - j["runtime_reserve"]["flash_bytes"].get<int64_t>());
    CHECK(t["ram_budget_bytes"].get<int64_t>() ==
          t["ram_bytes"].get<int64_t>() - j["runtime_reserve"]["ram_bytes"].get<int64_t>());
    CHECK(!t["source"].get<std::string>().empty());
  }
  const auto text = run_tinyc({"targets"});
  CHECK(text.out.find("nrf52840") != std::string::npos);
}

TEST_CASE("compress --target: a board the model fits passes, one it does not fit fails the gate with exit 3",
          "[targets]") {
  TempDir dir;
  const auto fits = compress_digits_cnn({"--target", "nrf52840"}, dir.path());
  INFO(fits.err);
  REQUIRE(fits.exit_code == 0);
  const auto j = nlohmann::json::parse(read_bytes(dir.path() / "r.json"));
  CHECK(j["target"]["name"] == "nrf52840");
  CHECK(j["target"]["fits"] == true);
  CHECK(j["target"]["flash_used_bytes"] == fs::file_size(dir.path() / "m.tflite"));
  CHECK(read_bytes(dir.path() / "r.md").find("## Target: nrf52840") != std::string::npos);

  // 64 KiB of flash is less than the runtime's reserve: nothing is left for the model.
  const auto small = compress_digits_cnn({"--target", "stm32g031k8"}, dir.path());
  CHECK(small.exit_code == 3);
  CHECK(small.err.find("--max-size") != std::string::npos);
  const auto k = nlohmann::json::parse(read_bytes(dir.path() / "r.json"));
  CHECK(k["target"]["fits"] == false);
  CHECK(k["target"]["flash_budget_bytes"].get<int64_t>() < 0);
}

TEST_CASE("compress --target-file: the profile's own runtime reserve, and --weight-bits auto fitting its flash",
          "[targets][int4]") {
  TempDir dir;
  // digits_cnn is 11,912 B with int8 weights and 6,928 B with 4-bit ones: 10,000 B leaves room for some.
  const fs::path board = write_profile(
      dir.path(), R"({"name": "tiny", "core": "Cortex-M4F", "flash_bytes": 60000, "ram_bytes": 40000,
                      "runtime_flash_bytes": 50000, "runtime_ram_bytes": 20000})");
  const auto r = compress_digits_cnn({"--target-file", board.string(), "--weight-bits", "auto"}, dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(read_bytes(dir.path() / "r.json"));
  CHECK(j["target"]["flash_budget_bytes"] == 10000);
  CHECK(j["target"]["ram_budget_bytes"] == 20000);
  CHECK(j["target"]["fits"] == true);
  CHECK(fs::file_size(dir.path() / "m.tflite") <= 10000);
  CHECK(j["quantization"]["weights"]["criterion"].get<std::string>().find("within the --max-size limit") !=
        std::string::npos);
}

TEST_CASE("compress refuses unknown targets, bad profile files and targets without a .tflite, with exit 2",
          "[targets]") {
  TempDir dir;
  const auto refused = [&](const std::vector<std::string>& extra, const std::string& message) {
    const auto r = compress_digits_cnn(extra, dir.path());
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path() / "m.tflite"));
  };
  refused({"--target", "esp32"}, "known: stm32g031k8, stm32f103c8, rp2040");
  refused({"--target-file", write_profile(dir.path(), R"({"name": "x", "core": "M4", "ram_bytes": 1000})").string()},
          "the field 'flash_bytes' is missing");
  refused({"--target-file", write_profile(dir.path(), R"({"name": "x", "core": "M4", "flash_bytes": "1 MB",
                                                           "ram_bytes": 1000})").string()},
          "'flash_bytes' must be a whole number of bytes");
  refused({"--target-file", write_profile(dir.path(), "{not json").string()}, "not valid JSON");
  refused({"--target-file", (dir.path() / "missing.json").string()}, "cannot open the file");
  refused({"--target", "rp2040", "--target-file", (dir.path() / "board.json").string()}, "give one of them");
  refused({"--target", "rp2040", "--format", "onnx-qdq"}, "--target measures the flash and RAM of a .tflite");
}
