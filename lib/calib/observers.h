// Per-value statistics gathered while the float executor runs the calibration rows: the extremes of
// every float value (first pass), then histograms over those extremes (second pass).
#pragma once

#include <map>
#include <span>
#include <string>

#include "calib/histogram.h"
#include "exec/program.h"

namespace tinyc::calib {

// The smallest and largest value seen, both 0 before any value.
struct Extremes {
  float min = 0;
  float max = 0;
};

// First pass: extremes per value name. Non-finite values are an InputError naming the value.
class MinMaxObserver {
 public:
  void observe(const std::string& name, std::span<const float> values);
  const std::map<std::string, Extremes>& extremes() const { return extremes_; }

 private:
  std::map<std::string, Extremes> extremes_;
};

// Second pass: one Histogram per value the first pass saw, over that value's extremes. Values the
// first pass did not see are ignored.
class HistogramObserver {
 public:
  HistogramObserver(const std::map<std::string, Extremes>& extremes, int bins);
  void observe(const std::string& name, std::span<const float> values);
  const std::map<std::string, Histogram>& histograms() const { return histograms_; }

 private:
  std::map<std::string, Histogram> histograms_;
};

// An executor observer that hands every float32 value chunk to `sink.observe`.
template <class Sink>
exec::Observer feed(Sink& sink) {
  return [&sink](const exec::ObservedValue& v) {
    if (v.value.dtype() == ir::DType::Float32) sink.observe(v.name, v.value.values<float>());
  };
}

}  // namespace tinyc::calib
