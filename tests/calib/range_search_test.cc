// Range searches on distributions with known answers: min/max keeps outliers, percentile, entropy
// and MSE clip them; auto keeps the least error; bad options are InputErrors.
#include "calib/range_search.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "calib/quant_error.h"
#include "calib_test_util.h"
#include "ir/error.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::calib;
using namespace tinyc::calib::testing;

namespace {

// 1,000,000 standard-normal values and 2 outliers at +-50: rare enough that clipping them costs
// less squared error than the coarse grid keeping them would (2 * 46^2 / 1e6 < (100/255)^2 / 12).
const Histogram& gaussian_with_far_outliers() {
  static const Histogram h = histogram_of(gaussian_with_outliers(1000000, 2, 50.0f, 7));
  return h;
}

}  // namespace

TEST_CASE("minmax keeps every value, outliers included") {
  const ValueRange r = minmax_range(gaussian_with_far_outliers());
  CHECK(r.min == -50.0f);
  CHECK(r.max == 50.0f);
  CHECK(r.method == Method::MinMax);
}

TEST_CASE("percentile clips each tail at its quantile") {
  const Histogram h = histogram_of(uniform_samples(400000, -1.0f, 3.0f, 2));
  const ValueRange r = percentile_range(h, 99.0);
  // 1 % of U(-1, 3) lies below -0.96 and 1 % above 2.96.
  CHECK(r.min == Approx(-0.96).margin(0.01));
  CHECK(r.max == Approx(2.96).margin(0.01));
  // The 0.01 % and 99.99 % points of N(0, 1) are -+3.72; the 0.1 % and 99.9 % points -+3.09.
  const ValueRange g = percentile_range(gaussian_with_far_outliers(), 99.99);
  CHECK(g.max == Approx(3.72).margin(0.1));
  CHECK(g.min == Approx(-3.72).margin(0.1));
  CHECK(percentile_range(gaussian_with_far_outliers(), 99.9).max == Approx(3.09).margin(0.1));
}

TEST_CASE("entropy and MSE clip far outliers and keep the bulk of a gaussian") {
  const Histogram& h = gaussian_with_far_outliers();
  const ValueRange entropy = entropy_range(h);
  INFO("entropy [" << entropy.min << ", " << entropy.max << "]");
  CHECK(entropy.max > 2.5f);
  CHECK(entropy.max < 12.0f);
  CHECK(entropy.min < -2.5f);
  CHECK(entropy.min > -12.0f);
  // MSE weighs the clipped outliers by their squared distance, so it stops halfway: the optimum of
  // 2 (50 - T)^2 / 1e6 + (2T / 255)^2 / 12 is near T = 14.
  const ValueRange mse = mse_range(h);
  INFO("mse [" << mse.min << ", " << mse.max << "]");
  CHECK(mse.max > 8.0f);
  CHECK(mse.max < 20.0f);
  CHECK(mse.min < -8.0f);
  CHECK(mse.min > -20.0f);
  // No symmetric range does better than the search (to within its bin granularity).
  double best = INFINITY;
  for (float t = 1.0f; t <= 50.0f; t += 0.05f) best = std::min(best, quantization_mse(h, -t, t));
  CHECK(mse.mse <= best * 1.01);
  for (Method m : {Method::MinMax, Method::Percentile, Method::Entropy}) CHECK(mse.mse <= choose_range(h, m).mse);
}

TEST_CASE("MSE finds the known optimum for a uniform distribution: (almost) no clipping") {
  const Histogram h = histogram_of(uniform_samples(200000, 0.0f, 1.0f, 3));
  const ValueRange r = mse_range(h);
  // Clipping uniform data costs (1 - a)^3 / 3 against a rounding gain of ~(1 - a) * step^2 / 6: the
  // optimum lies within a few grid steps of the maximum.
  CHECK(r.min == 0.0f);
  CHECK(r.max > 0.97f);
  CHECK(r.mse <= minmax_range(h).mse);
  CHECK(entropy_range(h).max > 0.9f);
}

TEST_CASE("every range holds 0 and carries its measured error") {
  const Histogram h = histogram_of(uniform_samples(10000, 2.0f, 5.0f, 4));
  for (Method m : {Method::MinMax, Method::Percentile, Method::Entropy, Method::Mse, Method::Auto}) {
    const ValueRange r = choose_range(h, m);
    INFO(method_name(m));
    CHECK(r.min == 0.0f);
    CHECK(r.max > 4.5f);
    CHECK(r.mse == Approx(quantization_mse(h, r.min, r.max)));
  }
}

TEST_CASE("auto keeps the method with the least quantization error") {
  const Histogram& h = gaussian_with_far_outliers();
  const ValueRange chosen = choose_range(h, Method::Auto);
  CHECK(chosen.method != Method::Auto);
  for (Method m : {Method::MinMax, Method::Percentile, Method::Entropy, Method::Mse})
    CHECK(chosen.mse <= choose_range(h, m).mse);
  CHECK(chosen.mse == choose_range(h, chosen.method).mse);
}

TEST_CASE("an all-zero tensor gets the empty range") {
  Histogram h(0.0f, 0.0f);
  const std::vector<float> zeros(10, 0.0f);
  h.add(zeros, "x");
  for (Method m : {Method::MinMax, Method::Percentile, Method::Entropy, Method::Mse, Method::Auto}) {
    const ValueRange r = choose_range(h, m);
    CHECK(r.min == 0.0f);
    CHECK(r.max == 0.0f);
  }
}

TEST_CASE("bad calibration options are input errors") {
  CHECK(test::input_error_of([] { parse_method("kl"); }).find("minmax, percentile, entropy, mse, auto") !=
        std::string::npos);
  CHECK(parse_method("entropy") == Method::Entropy);
  CHECK_THROWS_AS(parse_method("data_free"), InputError);
  const Histogram h = histogram_of(uniform_samples(100, 0.0f, 1.0f, 5));
  CHECK(test::input_error_of([&] { percentile_range(h, 40.0); }).find("percentile") != std::string::npos);
}
