// Rows that cannot give a measurement: an empty .npy is refused (exit 2) by run, analyze and compress
// --eval; eval rows holding Inf fail an SNR gate (exit 3), as a NaN measurement fails every gate
// (gates_test.cc); calibration rows too few or all one value get a warning.
#include <catch2/catch.hpp>

#include <limits>

#include "cli_runner.h"
#include "io/npy.h"
#include "ir/tensor.h"
#include "support/test_support.h"

using namespace tinyc;
using Catch::Matchers::Contains;

TEST_CASE("empty row files are refused with one line and exit 2", "[cli]") {
  test::TempDir dir;
  const std::string model = test::corpus_model_path("digits_mlp").string();
  const std::string calib = (test::corpus_dir() / "data" / "digits_calib.npy").string();
  const auto empty = dir.path() / "empty.npy";
  io::write_npy(empty, ir::Tensor(ir::DType::Float32, {0, 1, 8, 8}));
  const std::string e = empty.string();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"run", model, "--input", e},
           {"analyze", model, "--calib", e},
           {"compress", model, "--int8", "--calib", calib, "--eval", e, "-o", (dir.path() / "m.tflite").string()}}) {
    const test::CommandResult r = test::run_tinyc(args);
    INFO(args[0] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("holds no rows"));
  }
  CHECK_FALSE(std::filesystem::exists(dir.path() / "m.tflite"));
}

TEST_CASE("eval rows holding Inf fail an SNR gate instead of passing it", "[cli]") {
  test::TempDir dir;
  const std::string model = test::corpus_model_path("digits_mlp").string();
  const std::string calib = (test::corpus_dir() / "data" / "digits_calib.npy").string();
  ir::Tensor rows(ir::DType::Float32, {4, 1, 8, 8});
  for (float& v : rows.mutable_values<float>()) v = std::numeric_limits<float>::infinity();
  const auto eval = dir.path() / "inf.npy";
  io::write_npy(eval, rows);
  const test::CommandResult r = test::run_tinyc({"compress", model, "--int8", "--calib", calib, "--eval", eval.string(),
                                                 "--min-snr", "1000", "-o", (dir.path() / "m.tflite").string()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.out + r.err, Contains("gate --min-snr failed"));
}

TEST_CASE("calibration on one row or on constant rows is warned about", "[cli]") {
  test::TempDir dir;
  const std::string model = test::corpus_model_path("digits_mlp").string();
  const auto one = dir.path() / "one.npy";
  io::write_npy(one, ir::Tensor::from_vector<float>({1, 1, 8, 8}, std::vector<float>(64, 0.5f)));
  const auto zeros = dir.path() / "zeros.npy";
  io::write_npy(zeros, ir::Tensor(ir::DType::Float32, {100, 1, 8, 8}));
  for (const auto& [calib, message] : {std::pair{one, std::string("only 1 row")}, std::pair{zeros, std::string("every value is 0")}}) {
    const test::CommandResult r =
        test::run_tinyc({"compress", model, "--int8", "--calib", calib.string(), "-o", (dir.path() / "m.tflite").string()});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Contains(message));
  }
}
