// The int8 side of `compress`: --int8, --calib, --calib-samples, --calib-method, --weight-scales,
// --data-free. Kept apart so compress_command.cc only sequences the steps.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "ir/graph.h"
#include "passes/pass_context.h"

namespace tinyc::cli {

// What the user asked of the quantization.
struct QuantizeOptions {
  bool int8 = false;
  std::string calib;           // calibration rows: one .npy or a folder of .npy
  int64_t calib_samples = 0;   // only the first N rows; 0 = all
  std::string calib_method = "auto";
  std::string weight_scales = "per_channel";  // passes::parse_weight_scales words
  bool data_free = false;      // ranges from BatchNorm statistics instead of calibration data
  bool file_layout_rows = false;  // set for a .tflite model: rows may come in the file's NHWC layout
};

void add_quantize_options(CLI::App& cmd, QuantizeOptions& opt);

// Checks the option combination and reads what the passes need, before any pass runs: the
// calibration rows (checked against the model's input, cut to --calib-samples) for --int8 or for
// pruning (`pruning`), or, with --data-free, the ranges estimated on `float_graph` (the unfolded
// model). InputError otherwise, e.g. --int8 with neither --calib nor --data-free.
passes::PassContext prepare_quantization(const QuantizeOptions& opt, const ir::Graph& float_graph, bool pruning);

// The steps after folding (and pruning): with --int8 those of the default int8 pipeline for the
// chosen calibration method (bias correction unless --data-free, then quantize_int8); else none.
std::string quantization_steps(const QuantizeOptions& opt);

}  // namespace tinyc::cli
