// Histogram binning with 0 on a bin edge.
#include "calib/histogram.h"

#include <algorithm>
#include <cmath>

#include "ir/error.h"

namespace tinyc::calib {

Histogram::Histogram(float lo, float hi, int bins) : counts_(static_cast<size_t>(std::max(bins, 2)), 0.0) {
  if (!std::isfinite(lo) || !std::isfinite(hi))
    throw InputError("histogram interval [" + std::to_string(lo) + ", " + std::to_string(hi) + "] is not finite");
  const double below = std::max(0.0, -static_cast<double>(lo));
  const double above = std::max(0.0, static_cast<double>(hi));
  const int n = this->bins();
  if (below == 0 && above == 0) return;
  if (below == 0) {
    width_ = above / n;
  } else if (above == 0) {
    zero_edge_ = n;
    width_ = below / n;
  } else {
    // Split the bins between the sides in proportion, at least one each, then take the wider width
    // so both ends fit.
    zero_edge_ = std::clamp(static_cast<int>(std::lround(n * below / (below + above))), 1, n - 1);
    width_ = std::max(below / zero_edge_, above / (n - zero_edge_));
  }
}

void Histogram::add(std::span<const float> values, const std::string& what) {
  const int n = bins();
  for (float v : values) {
    if (!std::isfinite(v))
      throw InputError("activation '" + what + "' has the non-finite value " + std::to_string(v) +
                       " on the calibration data; check the model and the data");
    total_ += 1;
    if (v == 0.0f) {
      zeros_ += 1;
      continue;
    }
    observed_min_ = std::min(observed_min_, v);
    observed_max_ = std::max(observed_max_, v);
    const double position = width_ > 0 ? std::floor(v / width_) + zero_edge_ : zero_edge_;
    counts_[static_cast<size_t>(std::clamp(position, 0.0, static_cast<double>(n - 1)))] += 1;
  }
}

}  // namespace tinyc::calib
