// The two calibration passes' per-value bookkeeping.
#include "calib/observers.h"

#include <algorithm>
#include <cmath>

#include "ir/error.h"

namespace tinyc::calib {

void MinMaxObserver::observe(const std::string& name, std::span<const float> values) {
  auto [it, fresh] = extremes_.try_emplace(name);
  Extremes& e = it->second;
  for (float v : values) {
    if (!std::isfinite(v))
      throw InputError("activation '" + name + "' has the non-finite value " + std::to_string(v) +
                       " on the calibration data; check the model and the data");
    if (fresh) {
      e = {v, v};
      fresh = false;
    }
    e.min = std::min(e.min, v);
    e.max = std::max(e.max, v);
  }
}

HistogramObserver::HistogramObserver(const std::map<std::string, Extremes>& extremes, int bins) {
  for (const auto& [name, e] : extremes) histograms_.emplace(name, Histogram(e.min, e.max, bins));
}

void HistogramObserver::observe(const std::string& name, std::span<const float> values) {
  if (auto it = histograms_.find(name); it != histograms_.end()) it->second.add(values, name);
}

}  // namespace tinyc::calib
