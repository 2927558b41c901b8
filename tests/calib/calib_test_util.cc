// Seeded distributions.
#include "calib_test_util.h"

#include <algorithm>
#include <random>

namespace tinyc::calib::testing {

std::vector<float> uniform_samples(int64_t n, float lo, float hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = u(rng);
  return v;
}

std::vector<float> gaussian_with_outliers(int64_t n, int64_t outliers, float outlier, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = normal(rng);
  for (int64_t i = 0; i < outliers; ++i) v.push_back(i % 2 == 0 ? outlier : -outlier);
  return v;
}

Histogram histogram_of(const std::vector<float>& samples, int bins) {
  const auto [lo, hi] = std::minmax_element(samples.begin(), samples.end());
  Histogram h(*lo, *hi, bins);
  h.add(samples, "samples");
  return h;
}

}  // namespace tinyc::calib::testing
