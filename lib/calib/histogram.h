// The value distribution of one activation over the calibration set: the input of every range
// search except min/max.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tinyc::calib {

// Counts of values in equal-width bins over an interval [lo, hi] that contains 0, with 0 on a bin
// edge (edge(zero_edge()) == 0), so every candidate clipping range [edge(l), edge(h)] with
// l <= zero_edge() <= h contains 0 exactly as the int8 grid does. Values that are exactly 0 are
// counted apart: they are frequent (after ReLU) and always representable, so they never cost error.
// Values beyond the interval land in the end bins.
class Histogram {
 public:
  static constexpr int kDefaultBins = 2048;

  // Bins over [min(lo, 0), max(hi, 0)], widened by at most one bin so 0 falls on an edge. InputError
  // when lo or hi is not finite.
  explicit Histogram(float lo, float hi, int bins = kDefaultBins);

  // Adds values; InputError naming `what` for a value that is not finite.
  void add(std::span<const float> values, const std::string& what);

  int bins() const { return static_cast<int>(counts_.size()); }
  int zero_edge() const { return zero_edge_; }
  double bin_width() const { return width_; }
  // Left edge of bin i (i == bins(): the right end).
  double edge(int i) const { return (i - zero_edge_) * width_; }
  // Non-zero values per bin.
  const std::vector<double>& counts() const { return counts_; }
  double zeros() const { return zeros_; }
  // Every value added, zeros included.
  double total() const { return total_; }
  // The extreme values added (0 when none or all zero on that side).
  float observed_min() const { return observed_min_; }
  float observed_max() const { return observed_max_; }

 private:
  std::vector<double> counts_;
  int zero_edge_ = 0;
  double width_ = 0;  // 0 when the interval is the single point 0
  double zeros_ = 0;
  double total_ = 0;
  float observed_min_ = 0;
  float observed_max_ = 0;
};

}  // namespace tinyc::calib
