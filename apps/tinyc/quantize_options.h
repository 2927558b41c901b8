// The int8 side of `compress`: --int8, --calib, --calib-samples, --calib-select, --calib-method,
// --weight-scales, --weight-bits, --rounding, --data-free, --input-range. Kept apart so compress_command.cc only sequences the steps.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "calib/select_rows.h"
#include "ir/graph.h"
#include "passes/pass_context.h"

namespace tinyc::cli {

// What the user asked of the quantization.
struct QuantizeOptions {
  bool int8 = false;
  std::string calib;           // calibration rows: one .npy or a folder of .npy
  int64_t calib_samples = 0;   // only the first N rows; 0 = all
  int64_t calib_select = 0;    // N rows chosen by calib::select_rows; 0 = all
  std::string calib_method = "auto";
  std::string weight_scales = "per_channel";  // passes::parse_weight_scales words
  std::string weight_bits = "8";               // 8, 4 or auto
  std::string rounding;                        // nearest or optimal; empty = the width's default
  bool data_free = false;      // ranges from BatchNorm statistics instead of calibration data
  std::vector<float> input_range;  // --input-range MIN,MAX for --data-free; empty = [0, 1]
  bool file_layout_rows = false;  // set for a .tflite model: rows may come in the file's NHWC layout
};

void add_quantize_options(CLI::App& cmd, QuantizeOptions& opt);

// `--int8` or pruning with no calibration option at all means --data-free: sets it and says so on
// stderr. Returns whether it did.
bool imply_data_free(QuantizeOptions& opt, bool pruning);

// The caveats every data-free result carries, in the report and on stderr: ranges estimated
// without data, and pruning (and int8 calibration) on synthesized rows.
extern const char* const kDataFreeCaveat;
extern const char* const kSynthesizedRowsCaveat;

// What the passes get before they run, and which calibration rows --calib-select chose.
struct PreparedCalibration {
  passes::PassContext context;
  std::optional<calib::RowSelection> selection;
  double data_free_seconds = 0;  // --data-free: how long the range estimate or the row synthesis took
  int64_t synthesized_rows = 0;  // --data-free with pruning: the calibration rows synthesized
};

// Checks the option combination and reads what the passes need, before any pass runs: the
// calibration rows (checked against the model's input, cut to --calib-samples or chosen by
// --calib-select on `float_graph`) for --int8 or for pruning (`pruning`), or, with --data-free, the
// ranges estimated on `float_graph` (the unfolded model), or, with --data-free and pruning, rows
// synthesized from `float_graph` that pruning and quantization calibrate on. The context runs
// graphs with `executor`.
// InputError otherwise, e.g. --int8 with neither --calib nor --data-free.
PreparedCalibration prepare_quantization(const QuantizeOptions& opt, const ir::Graph& float_graph, bool pruning,
                                         const exec::ExecutorOptions& executor);

// The steps after folding (and pruning): with --int8 those of the default int8 pipeline for the
// chosen calibration method (bias correction, then quantize_int8), or with --data-free and no
// pruning quantize_int8 on the estimated ranges alone; else none.
std::string quantization_steps(const QuantizeOptions& opt, bool pruning);

}  // namespace tinyc::cli
