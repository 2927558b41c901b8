// Seeded samples of known distributions for the calibration tests.
#pragma once

#include <cstdint>
#include <vector>

#include "calib/histogram.h"

namespace tinyc::calib::testing {

// n values uniform in [lo, hi).
std::vector<float> uniform_samples(int64_t n, float lo, float hi, uint32_t seed);

// n standard-normal values followed by `outliers` values alternating +outlier, -outlier.
std::vector<float> gaussian_with_outliers(int64_t n, int64_t outliers, float outlier, uint32_t seed);

// A histogram over the samples' own extremes (as calibration's two passes build it).
Histogram histogram_of(const std::vector<float>& samples, int bins = Histogram::kDefaultBins);

}  // namespace tinyc::calib::testing
