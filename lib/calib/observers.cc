// The two calibration passes' per-value bookkeeping.
#include "calib/observers.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ir/error.h"

namespace tinyc::calib {

void MinMaxObserver::observe(const std::string& name, std::span<const float> values) {
  // One pass that vectorizes (|v| <= FLT_MAX is false for NaN and infinities), then the values
  // checked one by one only when some value is not finite.
  bool finite = true;
  float lo = std::numeric_limits<float>::max(), hi = -std::numeric_limits<float>::max();
  for (float v : values) {
    finite &= std::fabs(v) <= std::numeric_limits<float>::max();
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (!finite)
    for (float v : values)
      if (!std::isfinite(v))
        throw InputError("activation '" + name + "' has the non-finite value " + std::to_string(v) +
                         " on the calibration data; check the model and the data");
  if (values.empty()) {
    extremes_.try_emplace(name);
    return;
  }
  auto [it, fresh] = extremes_.try_emplace(name, Extremes{lo, hi});
  if (fresh) return;
  it->second.min = std::min(it->second.min, lo);
  it->second.max = std::max(it->second.max, hi);
}

HistogramObserver::HistogramObserver(const std::map<std::string, Extremes>& extremes, int bins) {
  for (const auto& [name, e] : extremes) histograms_.emplace(name, Histogram(e.min, e.max, bins));
}

void HistogramObserver::observe(const std::string& name, std::span<const float> values) {
  if (auto it = histograms_.find(name); it != histograms_.end()) it->second.add(values, name);
}

}  // namespace tinyc::calib
