// No command writes over one of its own inputs or writes two outputs to one file: each case is refused
// with one line and exit 2 before any work, and the input file stays byte for byte as it was.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "support/test_support.h"

using namespace tinyc;
using Catch::Matchers::Contains;

namespace fs = std::filesystem;

TEST_CASE("an output naming an input file or another output is refused, the input kept", "[cli]") {
  test::TempDir dir;
  const fs::path model = dir.path() / "digits_mlp.onnx";
  fs::copy_file(test::corpus_model_path("digits_mlp"), model);
  const fs::path calib = dir.path() / "calib.npy";
  fs::copy_file(test::corpus_dir() / "data" / "digits_calib.npy", calib);
  const fs::path link = dir.path() / "link.onnx";
  fs::create_symlink(model, link);
  const std::string model_bytes = test::read_bytes(model);
  const std::string calib_bytes = test::read_bytes(calib);
  const std::string out = (dir.path() / "out.tflite").string();
  const std::string c = calib.string(), m = model.string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"compress", m, "--int8", "--calib", c, "-o", m}, "-o " + m + " is the model file"},
      {{"compress", m, "--int8", "--calib", c, "-o", link.string()}, "is the model file"},
      {{"compress", m, "--int8", "--calib", c, "-o", out, "--emit-c", c}, "--emit-c " + c + " is the --calib file"},
      {{"compress", m, "--int8", "--calib", c, "-o", out, "--report", m}, "--report " + m + " is the model file"},
      {{"compress", m, "--int8", "--calib", c, "-o", out, "--emit-c", out}, "-o and --emit-c both name"},
      {{"compress", m, "--int8", "--calib", c, "-o", out, "--report", "r.json", "--report-md", out}, "both name"},
      {{"run", m, "--input", c, "-o", c}, "-o " + c + " is the --input file"},
      {{"analyze", m, "--calib", c, "--json", m}, "--json " + m + " is the model file"}};
  for (const auto& [args, message] : cases) {
    const test::CommandResult r = test::run_tinyc(args, dir.path());
    INFO(args[0] << " ... " << args.back() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(message));
    CHECK(test::read_bytes(model) == model_bytes);
    CHECK(test::read_bytes(calib) == calib_bytes);
    CHECK_FALSE(fs::exists(out));
  }
}

TEST_CASE("an output folder that takes no new files is refused before any work, for every output option",
          "[cli]") {
  // /proc/self exists for every user, root included, and no file can be created in it.
  const std::string m = test::corpus_model_path("digits_mlp").string();
  const std::string c = (test::corpus_dir() / "data" / "digits_calib.npy").string();
  test::TempDir dir;
  const std::string out = (dir.path() / "out.tflite").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"compress", m, "--int8", "--calib", c, "-o", "/proc/self/m.tflite"}, "--output /proc/self/m.tflite"},
      {{"compress", m, "--int8", "--calib", c, "-o", out, "--emit-c", "/proc/self/m.h"}, "--emit-c /proc/self/m.h"},
      {{"compress", m, "--int8", "--calib", c, "-o", out, "--report", "/proc/self/r.json"}, "--report /proc/self/r.json"},
      {{"run", m, "--input", c, "-o", "/proc/self/y.npy"}, "-o /proc/self/y.npy"},
      {{"analyze", m, "--calib", c, "--json", "/proc/self/a.json"}, "--json /proc/self/a.json"}};
  for (const auto& [args, option] : cases) {
    const test::CommandResult r = test::run_tinyc(args, dir.path());
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(option + ": cannot create files in folder '/proc/self'"));
    CHECK_FALSE(fs::exists(out));
  }
}
