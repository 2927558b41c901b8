// What passes may read beyond the graph and options: calibration rows and precomputed activation
// ranges. The caller fills one PassContext and hands it to run_pipeline, which passes it to every
// step; prune and quantize_int8 also leave in it what they found, for logs and the report.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "calib/calibrate.h"
#include "calib/range.h"
#include "ir/tensor.h"
#include "passes/measurement_cache.h"
#include "passes/prune/prune.h"
#include "passes/weight_width_search.h"

namespace tinyc::passes {

// Data for the passes that need more than the graph (quantize_int8, bias_correction).
struct PassContext {
  // Calibration rows: calibration_inputs[i] feeds graph input i, dim 0 = rows (already cut to
  // --calib-samples). quantize_int8 calibrates the graph it is given on them; bias_correction
  // measures layer inputs on them.
  std::vector<ir::Tensor> calibration_inputs;
  // Ranges computed elsewhere, e.g. calib::data_free_ranges (--data-free); when set, quantize_int8
  // uses them instead of calibrating.
  std::optional<calib::RangeMap> activation_ranges;
  // Threads and row chunking of the executor runs the passes make.
  exec::ExecutorOptions executor;
  // Limits of the file the caller writes (--max-size, --max-ram) for quantize_int8 weight_bits=auto.
  std::optional<DeviceBudget> device_budget;
  // Measurements to reuse across pipelines run on copies of one graph with these calibration rows
  // (prune keeps its sensitivity analysis here); nullptr: every run measures afresh.
  std::shared_ptr<MeasurementCache> measurements;
  // Called as long steps advance (quantize_int8 weight_bits=auto: one call per whole-model run), for
  // a progress line: what is being done, steps done, steps in all.
  std::function<void(const std::string& task, int64_t done, int64_t total)> progress;

  // Filled by quantize_int8: the ranges it used, with the method that chose each, the rows and the
  // calibration time (0 rows when the ranges came from activation_ranges).
  std::optional<calib::Calibration> calibration;
  // Filled by quantize_int8: each weighted layer's width and why.
  std::optional<WeightWidths> weights;
  // Filled by prune: the ratio asked for, the layers it shrank, their sensitivity and refits.
  std::optional<PruneReport> pruning;
};

}  // namespace tinyc::passes
