// Every corpus model compressed by the tinyc binary (default int8, structured and unstructured
// pruning, --io-type float32, --weight-scales fc_per_tensor and per_tensor, 4-bit and mixed weights) runs in TensorFlow Lite Micro (tflm_run) and in `tinyc run` on the
// first 500 rows of its test split with equal outputs, bit for bit; TFLM's verifier accepts each blob.
#include <catch2/catch.hpp>

#include <chrono>
#include <iostream>
#include <map>

#include "apps/cli_runner.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "support/test_support.h"
#include "tflm_runner.h"

using namespace tinyc;
using namespace tinyc::tflite_test;

namespace {

constexpr int64_t kRows = 500;

// Compresses every corpus model with `flags` and compares tinyc run with TFLM on each blob.
void check_corpus(const std::string& variant, const std::vector<std::string>& flags,
                  const std::vector<TflmKernels>& kernels) {
  const auto start = std::chrono::steady_clock::now();
  test::TempDir dir;
  std::map<std::string, std::filesystem::path> row_files;  // eval data -> its first kRows rows
  int64_t elements = 0;
  for (const auto& [name, info] : test::corpus_manifest().at("models").items()) {
    INFO(variant << ", " << name);
    const std::string eval = info.at("eval_data").get<std::string>();
    if (!row_files.count(eval)) {
      const auto path = dir.path() / (std::filesystem::path(eval).stem().string() + ".first.npy");
      io::write_npy(path, ir::slice_rows(io::read_npy(test::corpus_dir() / eval), 0, kRows));
      row_files[eval] = path;
    }
    const auto blob = dir.path() / (name + ".tflite");
    std::vector<std::string> args{"compress", test::corpus_model_path(name).string(), "--int8", "--calib",
                                  (test::corpus_dir() / info.at("calib_data").get<std::string>()).string(),
                                  "-o", blob.string()};
    args.insert(args.end(), flags.begin(), flags.end());
    const test::CommandResult compressed = test::run_tinyc(args);
    INFO(compressed.err);
    REQUIRE(compressed.exit_code == 0);
    elements += check_against_tflm(blob, row_files[eval], dir.path(), kRows, kernels).num_elements();
  }
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "tinyc run vs TFLM, corpus " << variant << ": " << kRows << " rows of 7 models, " << elements
            << " output elements, all equal (" << seconds << " s)\n";
}

}  // namespace

TEST_CASE("TFLM and tinyc run agree bit for bit on every corpus model, default int8", "[tflite][tflm][corpus][slow]") {
  check_corpus("int8", {}, {TflmKernels::Reference, TflmKernels::CmsisNn});
}

TEST_CASE("TFLM and tinyc run agree bit for bit on every corpus model, --prune 0.5", "[tflite][tflm][corpus][slow]") {
  check_corpus("prune 0.5", {"--prune", "0.5"}, {TflmKernels::Reference});
}

TEST_CASE("TFLM and tinyc run agree bit for bit on every corpus model, unstructured --prune 0.5", "[tflite][tflm][corpus][slow]") {
  check_corpus("unstructured 0.5", {"--prune", "0.5", "--prune-granularity", "unstructured"}, {TflmKernels::Reference});
}

TEST_CASE("TFLM and tinyc run agree bit for bit on every corpus model, --io-type float32", "[tflite][tflm][corpus][slow]") {
  check_corpus("io float32", {"--io-type", "float32"}, {TflmKernels::Reference});
}

TEST_CASE("TFLM and tinyc run agree bit for bit on every corpus model, --weight-scales fc_per_tensor and per_tensor",
          "[tflite][tflm][corpus][slow]") {
  check_corpus("fc_per_tensor", {"--weight-scales", "fc_per_tensor"}, {TflmKernels::Reference, TflmKernels::CmsisNn});
  check_corpus("per_tensor", {"--weight-scales", "per_tensor"}, {TflmKernels::Reference});
}

TEST_CASE("TFLM and tinyc run agree bit for bit on every corpus model, --weight-bits 4 and auto",
          "[tflite][tflm][corpus][int4][slow]") {
  check_corpus("4-bit weights", {"--weight-bits", "4"}, {TflmKernels::Reference, TflmKernels::CmsisNn});
  check_corpus("auto weight bits", {"--weight-bits", "auto"}, {TflmKernels::Reference});
}

TEST_CASE("TFLM and tinyc run agree bit for bit on every corpus model, --prune 0.5 --weight-bits auto",
          "[tflite][tflm][corpus][int4][slow]") {
  check_corpus("prune 0.5, auto weight bits", {"--prune", "0.5", "--weight-bits", "auto"}, {TflmKernels::Reference});
}
