// `tinyc run` end to end: outputs equal the corpus references, and bad data is one line, exit 2.
#include <catch2/catch.hpp>

#include <cmath>

#include "cli_runner.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"

using tinyc::test::corpus_dir;
using tinyc::test::run_tinyc;
using tinyc::test::TempDir;

namespace {
size_t line_count(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

TEST_CASE("run writes outputs that match ONNX Runtime's reference outputs") {
  TempDir dir;
  const auto out = dir.path() / "logits.npy";
  const auto r = run_tinyc({"run", (corpus_dir() / "models/digits_cnn.onnx").string(), "--input",
                            (corpus_dir() / "data/digits_test.npy").string(), "-o", out.string(), "--batch", "7"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("ran 797 rows") != std::string::npos);
  const auto got = tinyc::io::read_npy(out);
  const auto ref = tinyc::io::read_npy(corpus_dir() / "ref/digits_cnn.digits_test.output.npy");
  REQUIRE(got.shape() == ref.shape());
  float max_diff = 0;
  for (size_t i = 0; i < got.values<float>().size(); ++i)
    max_diff = std::max(max_diff, std::abs(got.values<float>()[i] - ref.values<float>()[i]));
  CHECK(max_diff <= 1e-4f);
}

TEST_CASE("run accepts exactly the model's own input shape") {
  TempDir dir;
  const auto one = dir.path() / "one.npy";
  tinyc::io::write_npy(one, tinyc::ir::slice_rows(tinyc::io::read_npy(corpus_dir() / "data/digits_test.npy"), 0, 1));
  const auto r = run_tinyc({"run", (corpus_dir() / "models/digits_mlp.onnx").string(), "--input", one.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("output 1x10") != std::string::npos);
}

TEST_CASE("run rejects data of the wrong dtype or shape with one line, exit 2, and no output file") {
  TempDir dir;
  const auto out = dir.path() / "never.npy";
  const std::string model = (corpus_dir() / "models/digits_cnn.onnx").string();
  auto r = run_tinyc({"run", model, "--input", (corpus_dir() / "data/digits_test_labels.npy").string(), "-o",
                      out.string()});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("holds int64 but model input 'input' takes float32") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));

  r = run_tinyc({"run", model, "--input", (corpus_dir() / "data/fmnist_test_2k.npy").string(), "-o", out.string()});
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("has shape 2000x1x28x28 but model input 'input' takes Nx1x8x8") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("run rejects impossible options and missing files") {
  const std::string model = (corpus_dir() / "models/digits_cnn.onnx").string();
  const std::string data = (corpus_dir() / "data/digits_test.npy").string();
  auto r = run_tinyc({"run", model, "--input", data, "--batch", "0"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--batch must be at least 1") != std::string::npos);
  r = run_tinyc({"run", model, "--input", "/nonexistent/x.npy"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("does not exist") != std::string::npos);
  r = run_tinyc({"run", model, "--input", "other=" + data});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("no input named 'other'") != std::string::npos);
  CHECK(run_tinyc({"run", model}).exit_code == 1);
}

TEST_CASE("list options before the model take one value each and leave the model in place") {
  TempDir dir;
  const std::string model = (corpus_dir() / "models" / "digits_mlp.onnx").string();
  const std::string rows = (corpus_dir() / "data" / "digits_calib.npy").string();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"analyze", "--ratios", "0.5", model, "--calib", rows},
           {"compress", "--normal-classes", "0", model, "--int8", "--calib", rows, "-o", (dir.path() / "m.tflite").string()},
           {"run", "-i", rows, "--input-shape", "input:1x1x8x8", model}}) {
    const auto r = run_tinyc(args);
    INFO(args[0] << ": " << r.err);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("run --threads: 1 and 2 threads write the same bytes, and a negative count is refused, exit 2") {
  TempDir dir;
  const std::string model = tinyc::test::corpus_model_path("digits_cnn").string();
  const std::string rows = (corpus_dir() / "data" / "digits_test.npy").string();
  for (const char* threads : {"1", "2"}) {
    const auto r = run_tinyc({"run", model, "--input", rows, "--threads", threads, "-o",
                              (dir.path() / (std::string("y") + threads + ".npy")).string()});
    REQUIRE(r.exit_code == 0);
  }
  CHECK(tinyc::test::read_bytes(dir.path() / "y1.npy") == tinyc::test::read_bytes(dir.path() / "y2.npy"));
  const auto bad = run_tinyc({"run", model, "--input", rows, "--threads", "-1"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "tinyc: error: --threads must be 0 (one per core) or more (got -1)\n");
}
