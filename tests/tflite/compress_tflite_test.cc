// `tinyc compress model.tflite`: an int8 file from the TF converter is re-packed with the same
// arithmetic (TFLM's outputs for the new file equal the original's bit for bit), leaner and with
// tinyc's arena plan, and options that would change a number are refused; a float file is quantized
// as an ONNX model is, from NHWC calibration rows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iostream>
#include <span>
#include <tuple>

#include "apps/cli_runner.h"
#include "formats/tflite/blob_memory.h"
#include "formats/tflite/read.h"
#include "int8_rows.h"
#include "io/npy.h"
#include "support/test_support.h"
#include "tflm_runner.h"

using namespace tinyc;
using namespace tinyc::tflite_test;
using Catch::Matchers::Contains;

namespace {

std::filesystem::path mlperf_file(const std::string& name) { return test::corpus_dir() / "tflite" / (name + ".tflite"); }

// The interface as a reader sees it: each input's and output's type, shape and quantization.
std::vector<tflite_format::TensorSummary> interface_of(const std::filesystem::path& model) {
  const tflite_format::TfliteSummary s = tflite_format::read_tflite_file(model);
  std::vector<tflite_format::TensorSummary> io;
  for (const auto* list : {&s.inputs, &s.outputs})
    for (int32_t i : *list) {
      tflite_format::TensorSummary t = s.tensors.at(static_cast<size_t>(i));
      t.name.clear();
      t.buffer = 0;
      io.push_back(t);
    }
  return io;
}

bool same_interface(const tflite_format::TensorSummary& a, const tflite_format::TensorSummary& b) {
  return a.type == b.type && a.shape == b.shape && a.scale == b.scale && a.zero_point == b.zero_point;
}

}  // namespace

TEST_CASE("compress re-packs the MLPerf Tiny int8 files: TFLM's outputs are the original's bit for bit", "[tflite][tflm][slow]") {
  test::TempDir dir;
  for (const char* name : {"pretrainedResnet_quant", "ad01_int8", "kws_ref_model", "str_ww_ref_model"}) {
    INFO(name);
    const auto original = mlperf_file(name);
    const auto repacked = dir.path() / (std::string(name) + ".repacked.tflite");
    const test::CommandResult run = test::run_tinyc({"compress", original.string(), "-o", repacked.string()});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const auto rows = dir.path() / (std::string(name) + ".rows.npy");
    io::write_npy(rows, uniform_rows(file_input(original), 500, 31));
    for (const TflmKernels kernels : {TflmKernels::Reference, TflmKernels::CmsisNn}) {
      const TflmResult before = run_tflm(original, rows, dir.path(), kernels);
      const TflmResult after = run_tflm(repacked, rows, dir.path(), kernels);
      REQUIRE(before.exit_code == 0);
      REQUIRE(after.exit_code == 0);
      CHECK(after.facts["verifier_ok"] == true);
      CHECK(after.output.shape()[0] == 500);
      INFO(difference(before.output, after.output));
      CHECK(same_bytes(before.output, after.output));
      if (kernels == TflmKernels::Reference) {
        const auto memory = tflite_format::blob_memory(test::read_bytes(repacked));
        const auto head = [](const TflmResult& r) {
          return r.facts["arena_breakdown"]["head_nonpersistent_bytes"].get<size_t>();
        };
        CHECK(memory.has_offline_plan);
        CHECK(head(after) == memory.arena_head_bytes);
        CHECK(head(after) <= head(before));
      }
    }
    CHECK(std::filesystem::file_size(repacked) < std::filesystem::file_size(original));
    const auto want = interface_of(original), got = interface_of(repacked);
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) CHECK(same_interface(got[i], want[i]));
  }
}

TEST_CASE("compress re-packs a file with INT4 weights: the same bytes come back", "[tflite][int4]") {
  test::TempDir dir;
  const auto packed = dir.path() / "digits_cnn.int4.tflite";
  const test::CommandResult made = test::run_tinyc(
      {"compress", test::corpus_model_path("digits_cnn").string(), "--int8", "--calib",
       (test::corpus_dir() / "data/digits_calib.npy").string(), "--weight-bits", "4", "-o", packed.string()});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const auto repacked = dir.path() / "digits_cnn.int4.repacked.tflite";
  const test::CommandResult run = test::run_tinyc({"compress", packed.string(), "-o", repacked.string()});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  size_t int4 = 0;
  for (const auto& t : tflite_format::read_tflite_file(repacked).tensors) int4 += t.type == "INT4";
  CHECK(int4 == 4);
  // tinyc wrote the original lean already, so re-packing it changes no byte (and no output).
  CHECK(test::read_bytes(repacked) == test::read_bytes(packed));
}

TEST_CASE("re-packing refuses what would change a number, each with one line and exit 2", "[tflite]") {
  test::TempDir dir;
  const std::string model = mlperf_file("kws_ref_model").string();
  const std::string out = (dir.path() / "out.tflite").string();
  const std::string calib = (test::corpus_dir() / "data" / "fmnist_calib.npy").string();
  for (const auto& [extra, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--int8", "--calib", calib}, "leave out --int8"},
           {{"--prune", "0.5", "--calib", calib}, "--prune needs the float model"},
           {{"--passes", "fold_constants"}, "leave out --passes"},
           {{"--format", "onnx"}, "leave out --format onnx"},
           {{"--input-shape", "input:1x49x10x1"}, "--input-shape applies to ONNX models"}}) {
    std::vector<std::string> args = {"compress", model, "-o", out};
    args.insert(args.end(), extra.begin(), extra.end());
    const test::CommandResult r = test::run_tinyc(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(message));
    CHECK(!std::filesystem::exists(out));
  }
}

namespace {

// Compresses the MLPerf float file `name` with --int8 and `flags`, calibrated on 128 rows drawn over
// the input range of the converter's int8 file `like`, and checks on 200 other such rows: the float
// interface stays, TFLM computes tinyc's bits, and top-1 follows the float model on `min_agree` rows.
// Returns the compressed file.
std::filesystem::path check_float_file(const test::TempDir& dir, const std::string& name, const std::string& like,
                                       size_t classes, const std::vector<std::string>& flags, int min_agree) {
  const auto float_file = mlperf_file(name);
  const FileInput range = file_input(mlperf_file(like));
  const auto calib = dir.path() / "calib.npy";
  const auto rows = dir.path() / "rows.npy";
  io::write_npy(calib, uniform_rows(range, 128, 1));
  io::write_npy(rows, uniform_rows(range, 200, 2));
  const auto ours = dir.path() / (name + ".int8.tflite");
  std::vector<std::string> args{"compress", float_file.string(), "--int8", "--calib", calib.string(), "-o", ours.string()};
  args.insert(args.end(), flags.begin(), flags.end());
  const test::CommandResult r = test::run_tinyc(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // The float file's interface stays: float32 in the file's NHWC shape in, float32 out.
  const auto io = interface_of(ours);
  REQUIRE(io.size() == 2);
  CHECK(io[0].type == "FLOAT32");
  CHECK(io[0].shape == range.shape);
  CHECK(io[1].type == "FLOAT32");
  // tinyc's executor and TFLM compute the same bits; top-1 follows the float model on most rows.
  const ir::Tensor quantized = check_against_tflm(ours, rows, dir.path(), 200, {TflmKernels::Reference});
  const ir::Tensor reference = tinyc_run(float_file, rows, dir.path() / (name + ".float.npy"));
  const auto a = quantized.values<float>();
  const auto b = reference.values<float>();
  REQUIRE(a.size() == b.size());
  int agree = 0;
  for (size_t row = 0; row < 200; ++row) {
    const auto top = [&](std::span<const float> v) {
      return std::max_element(v.begin() + row * classes, v.begin() + row * classes + classes) - v.begin();
    };
    agree += top(a) == top(b);
  }
  std::cout << name << " " << (flags.empty() ? "" : flags.front() + " " + flags.back())
            << ": tinyc int8 vs float, top-1 agreement " << agree << " of 200 rows\n";
  CHECK(agree >= min_agree);
  return ours;
}

}  // namespace

TEST_CASE("compress --int8 on MLPerf Tiny float files: NHWC calibration rows, float edges kept, TFLM agrees", "[tflite][tflm][slow]") {
  test::TempDir dir;
  // (float file, the converter's int8 file whose input range the rows cover, classes); the KWS float
  // file is a hybrid one (int8 weights on float activations).
  check_float_file(dir, "pretrainedResnet", "pretrainedResnet_quant", 10, {}, 180);
  check_float_file(dir, "kws_ref_model_float32", "kws_ref_model", 12, {}, 180);
}

TEST_CASE("compress --int8 --weight-bits 4 on an MLPerf Tiny float file: INT4 weights that TFLM runs as tinyc does",
          "[tflite][tflm][int4][slow]") {
  test::TempDir dir;
  const auto ours = check_float_file(dir, "pretrainedResnet", "pretrainedResnet_quant", 10, {"--weight-bits", "4"}, 170);
  size_t int4 = 0;
  for (const auto& t : tflite_format::read_tflite_file(ours).tensors) int4 += t.type == "INT4";
  CHECK(int4 > 0);
}
