// The calibration runner: runs the float graph over calibration rows and returns one range per
// activation, which quantize_int8 turns into int8 parameters.
#pragma once

#include <cstdint>
#include <vector>

#include "calib/range.h"
#include "calib/range_search.h"
#include "exec/executor.h"
#include "ir/graph.h"

namespace tinyc::calib {

// How to calibrate: the method, its options, how many rows, and the executor's threads.
struct CalibrationOptions {
  Method method = Method::Auto;
  SearchOptions search;
  int64_t max_rows = 0;  // only the first rows (--calib-samples); 0 = every row
  int bins = Histogram::kDefaultBins;
  exec::ExecutorOptions executor;
};

// What calibration found.
struct Calibration {
  RangeMap ranges;  // every float graph input and every float value computed at run time
  int64_t rows = 0;
  double seconds = 0;
};

// Runs the float executor over the rows (inputs[i] feeds graph input i: the input's shape with dim
// 0 = rows, float64 accepted for float32 inputs, as exec::as_input_rows) and chooses a range per
// value: MinMax needs one pass; every other method runs a second pass that fills histograms over
// the first pass's extremes. The ranges are keyed by the names of `g`, so calibrate the graph you
// quantize (after folding). InputError for data that does not fit the inputs, no rows, or a
// non-finite activation.
Calibration calibrate(const ir::Graph& g, std::vector<ir::Tensor> inputs, const CalibrationOptions& options);

}  // namespace tinyc::calib
