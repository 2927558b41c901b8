// Runs TensorFlow Lite Micro's host build (../shared/tools/tflm, see its README) and the tinyc binary
// on a .tflite file in tests, and compares their outputs: TFLM is the judge of what `tinyc run`
// must compute bit for bit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ir/tensor.h"

namespace tinyc::tflite_test {

// TFLM's reference kernels (tflm_run) or its CMSIS-NN kernels (tflm_run_cmsis_nn).
enum class TflmKernels { Reference, CmsisNn };

// What one tflm_run call printed and wrote.
struct TflmResult {
  int exit_code = -1;
  nlohmann::json facts;  // the JSON object on stdout (verifier_ok, op_histogram, error, ...)
  std::string err;
  ir::Tensor output;  // the first output's rows, in the tensor's own type
};

// Runs `tflm_run model --input rows --output <folder>/<stem>.<binary>.npy` and reads the output back
// (an empty tensor when the run failed). An empty `rows` runs one row of zero points. Without
// `find_min_arena` it passes --no-min-arena; with it, facts["min_arena_bytes"] holds the smallest
// arena that works. A model with variable tensors (an LSTM's state, which TFLM keeps from one
// Invoke to the next and tflm_run does not reset between rows) runs one row per tflm_run call, so
// each row starts from TFLM's zero state as it does in tinyc; the facts are the first call's.
TflmResult run_tflm(const std::filesystem::path& model, const std::filesystem::path& rows,
                    const std::filesystem::path& folder, TflmKernels kernels = TflmKernels::Reference,
                    bool find_min_arena = false);

// `tinyc run model --input rows -o out [extra...]`; the test fails unless it exits 0. Returns the
// output file's tensor.
ir::Tensor tinyc_run(const std::filesystem::path& model, const std::filesystem::path& rows,
                     const std::filesystem::path& out, const std::vector<std::string>& extra = {});

// Same dtype, shape and bytes.
bool same_bytes(const ir::Tensor& a, const ir::Tensor& b);
// "3 of 5000 elements differ, by up to 1.000000" (or the shapes and dtypes when those differ).
std::string difference(const ir::Tensor& a, const ir::Tensor& b);

// Runs `model` on `rows` through tinyc run and through each TFLM build in `kernels`; checks that TFLM
// verified and ran the file and that every output equals tinyc's bit for bit. Returns tinyc's output.
ir::Tensor check_against_tflm(const std::filesystem::path& model, const std::filesystem::path& rows,
                              const std::filesystem::path& folder, int64_t expected_rows,
                              const std::vector<TflmKernels>& kernels);

}  // namespace tinyc::tflite_test
