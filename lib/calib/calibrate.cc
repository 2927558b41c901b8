// Two passes of the float executor with observers, then a range search per value.
#include "calib/calibrate.h"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "calib/observers.h"
#include "exec/input_data.h"
#include "exec/workers.h"
#include "ir/tensor_rows.h"

namespace tinyc::calib {

namespace {

// Checks and trims the rows; returns the row count.
int64_t prepare_rows(const ir::Graph& g, std::vector<ir::Tensor>& inputs, int64_t max_rows) {
  inputs = exec::as_graph_input_rows(g, std::move(inputs), "calibration data");
  int64_t rows = -1;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int64_t n = inputs[i].shape()[0];
    if (rows >= 0 && n != rows)
      throw InputError("calibration data gives " + std::to_string(rows) + " rows for one input and " +
                       std::to_string(n) + " for input '" + g.inputs()[i]->name + "'; give the same rows to each");
    rows = n;
  }
  if (max_rows > 0 && rows > max_rows) {
    for (ir::Tensor& t : inputs) t = ir::slice_rows(t, 0, max_rows);
    rows = max_rows;
  }
  if (rows <= 0) throw InputError("the calibration data has no rows; give at least one");
  return rows;
}

// Runs the rows with `sink` seeing every float value, graph inputs included.
template <class Sink>
void observe_all(const exec::Executor& executor, const ir::Graph& g, const std::vector<ir::Tensor>& inputs,
                 Sink& sink) {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].dtype() == ir::DType::Float32) sink.observe(g.inputs()[i]->name, inputs[i].values<float>());
  executor.run(inputs, feed(sink));
}

}  // namespace

Calibration calibrate(const ir::Graph& g, std::vector<ir::Tensor> inputs, const CalibrationOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Calibration result;
  result.rows = prepare_rows(g, inputs, options.max_rows);
  const exec::Executor executor(g, options.executor);

  MinMaxObserver extremes;
  observe_all(executor, g, inputs, extremes);
  if (options.method == Method::MinMax) {
    for (const auto& [name, e] : extremes.extremes())
      result.ranges[name] = {std::min(e.min, 0.0f), std::max(e.max, 0.0f), Method::MinMax, 0.0};
  } else {
    HistogramObserver histograms(extremes.extremes(), options.bins);
    observe_all(executor, g, inputs, histograms);
    // The searches are independent: one value's histogram per task, on the executor's threads.
    std::vector<const std::pair<const std::string, Histogram>*> values;
    for (const auto& value : histograms.histograms()) values.push_back(&value);
    std::vector<ValueRange> ranges(values.size());
    exec::run_indexed(static_cast<int64_t>(values.size()), options.executor.threads, [&] {
      return [&](int64_t i) {
        ranges[static_cast<size_t>(i)] = choose_range(values[static_cast<size_t>(i)]->second, options.method, options.search);
      };
    });
    for (size_t i = 0; i < values.size(); ++i) result.ranges[values[i]->first] = ranges[i];
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace tinyc::calib
