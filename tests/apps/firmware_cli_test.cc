// `tinyc firmware`: a compressed corpus model runs on the emulated Cortex-M4F with the outputs of
// `tinyc run` and an image whose flash and RAM add up; a firmware that prints other outputs fails
// with exit 3 naming the first difference; bad input is exit 2. The cases that build firmware need
// the Arm cross compiler and QEMU (scripts/setup.sh installs them) and say so when they are missing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "formats/onnx/export.h"
#include "io/npy.h"
#include "passes/graphs_sequence.h"
#include "passes/pass_test_util.h"
#include "support/test_support.h"

using namespace tinyc::test;
namespace fs = std::filesystem;

namespace {

const fs::path kKit = corpus_dir().parent_path() / "tools" / "tflm-cortex-m4";

bool have_cross_tools() {
  return run_command({"sh", "-c", "command -v arm-none-eabi-g++ && command -v qemu-system-arm"}).exit_code == 0;
}

// digits_cnn compressed to int8 in `dir`.
fs::path compressed_digits_cnn(const fs::path& dir) {
  const fs::path model = dir / "m.tflite";
  const auto r = run_tinyc({"compress", corpus_model_path("digits_cnn").string(), "--int8", "--calib",
                            (corpus_dir() / "data/digits_calib.npy").string(), "-o", model.string()});
  REQUIRE(r.exit_code == 0);
  return model;
}

// A kit whose firmware "builds" and prints zeros for every output: what a broken runtime would do.
fs::path zero_printing_kit(const fs::path& dir) {
  const fs::path kit = dir / "kit";
  fs::create_directories(kit / "fw");
  std::ofstream(kit / "fw/mps2_an386.ld") << "__stack_size = DEFINED(__stack_size) ? __stack_size : 0x4000;\n";
  std::ofstream(kit / "make_rows_h.py") << "import sys\nopen(sys.argv[2], 'w').write('// rows\\n')\n";
  std::ofstream(kit / "Makefile") << "all:\n\tmkdir -p $(OUT) && touch $(OUT)/fw.elf\n"
                                     "\t@echo '   text    data     bss     dec     hex filename'\n"
                                     "\t@echo '  50000    2000    9000   61000    ee48 $(OUT)/fw.elf'\n";
  std::ofstream(kit / "run.sh") << "#!/bin/sh\necho 'arena_used_bytes 3000'\n"
                                   "for r in 0 1; do echo \"row $r: 0 0 0 0 0 0 0 0 0 0\"; done\necho 'done: 2 rows'\n";
  fs::permissions(kit / "run.sh", fs::perms::owner_all, fs::perm_options::add);
  return kit;
}

}  // namespace

TEST_CASE("tinyc firmware: digits_cnn on the emulated Cortex-M4F equals tinyc run, and the image's numbers add up",
          "[firmware]") {
  if (!have_cross_tools()) {
    WARN("arm-none-eabi-g++ or qemu-system-arm is missing (scripts/setup.sh installs them): not run");
    return;
  }
  TempDir dir;
  const fs::path model = compressed_digits_cnn(dir.path());
  const fs::path json = dir.path() / "fw.json";
  const auto r = run_tinyc({"firmware", model.string(), "--rows", (corpus_dir() / "data/digits_test.npy").string(),
                            "--count", "8", "--kit", kKit.string(), "--target", "nrf52840", "--json", json.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("8 rows equal tinyc run, bit for bit") != std::string::npos);
  const auto j = nlohmann::json::parse(read_bytes(json));
  CHECK(j["outputs_equal"] == true);
  CHECK(j["passed"] == true);
  const auto& image = j["image"];
  CHECK(image["flash_bytes"] == image["text_bytes"].get<int64_t>() + image["data_bytes"].get<int64_t>());
  CHECK(image["ram_bytes"] == image["data_bytes"].get<int64_t>() + image["bss_bytes"].get<int64_t>() +
                                  image["stack_bytes"].get<int64_t>());
  CHECK(image["text_bytes"].get<int64_t>() > static_cast<int64_t>(fs::file_size(model)));  // the model is in flash
  CHECK(image["bss_bytes"].get<int64_t>() >= image["arena_bytes"].get<int64_t>());         // the arena is in bss
  CHECK(j["tflm_arena_used_bytes"].get<int64_t>() <= j["estimate"]["arena_bytes"].get<int64_t>());
  CHECK(j["target"]["fits"] == true);
}

TEST_CASE("tinyc firmware: an int8 LSTM runs on the emulated Cortex-M4F in the estimated arena, its first row only",
          "[firmware]") {
  if (!have_cross_tools()) {
    WARN("arm-none-eabi-g++ or qemu-system-arm is missing (scripts/setup.sh installs them): not run");
    return;
  }
  TempDir dir;
  const fs::path onnx = dir.path() / "lstm.onnx";
  tinyc::onnx_format::export_model_file(*tinyc::passes::testing::sequence_classifier(false), onnx);
  const fs::path rows = dir.path() / "rows.npy";
  tinyc::io::write_npy(rows, tinyc::passes::testing::random_tensor({32, 8, 4}, 3));
  const fs::path model = dir.path() / "lstm.tflite";
  REQUIRE(run_tinyc({"compress", onnx.string(), "--int8", "--calib", rows.string(), "-o", model.string()}).exit_code == 0);
  const fs::path json = dir.path() / "fw.json";
  const auto r = run_tinyc({"firmware", model.string(), "--rows", rows.string(), "--count", "4", "--kit", kKit.string(),
                            "--json", json.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("only the first row runs") != std::string::npos);
  CHECK(r.out.find("1 rows equal tinyc run, bit for bit") != std::string::npos);
  const auto j = nlohmann::json::parse(read_bytes(json));
  CHECK(j["tflm_arena_used_bytes"].get<int64_t>() <= j["estimate"]["arena_bytes"].get<int64_t>());
}

TEST_CASE("tinyc firmware: outputs that differ from tinyc run are exit 3 naming the first difference", "[firmware]") {
  if (!have_cross_tools()) {
    WARN("arm-none-eabi-g++ or qemu-system-arm is missing (scripts/setup.sh installs them): not run");
    return;
  }
  TempDir dir;
  const fs::path model = compressed_digits_cnn(dir.path());
  const auto r = run_tinyc({"firmware", model.string(), "--rows", (corpus_dir() / "data/digits_test.npy").string(),
                            "--count", "2", "--kit", zero_printing_kit(dir.path()).string()});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("outputs differ from tinyc run: row 0, value 0: the firmware printed 0, tinyc run computes") !=
        std::string::npos);
  CHECK(r.out.find("flash 52,000 B (text 50,000 + data 2,000)") != std::string::npos);
}

TEST_CASE("tinyc firmware: bad input is one line and exit 2", "[firmware]") {
  TempDir dir;
  const std::string rows = (corpus_dir() / "data/digits_test.npy").string();
  const auto onnx = run_tinyc({"firmware", corpus_model_path("digits_cnn").string(), "--rows", rows, "--kit", kKit.string()});
  CHECK(onnx.exit_code == 2);
  CHECK(onnx.err.find("is not one (write one with tinyc compress --int8)") != std::string::npos);
  const fs::path model = compressed_digits_cnn(dir.path());
  const auto no_kit = run_tinyc({"firmware", model.string(), "--rows", rows, "--kit", (dir.path() / "nope").string()});
  CHECK(no_kit.exit_code == 2);
  CHECK(no_kit.err.find("no such folder") != std::string::npos);
  fs::create_directories(dir.path() / "empty");
  const auto empty_kit = run_tinyc({"firmware", model.string(), "--rows", rows, "--kit", (dir.path() / "empty").string()});
  CHECK(empty_kit.exit_code == 2);
  CHECK(empty_kit.err.find("its Makefile is missing") != std::string::npos);
}
