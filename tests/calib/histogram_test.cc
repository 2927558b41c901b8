// Histogram: 0 on a bin edge, zeros counted apart, extremes, and the quantization error measure
// against closed-form expectations.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "calib/quant_error.h"
#include "calib_test_util.h"
#include "exec/int8_reference/quant_math.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::calib;
using namespace tinyc::calib::testing;

TEST_CASE("a histogram puts 0 on a bin edge and covers both ends") {
  const Histogram h(-1.0f, 3.0f, 2048);
  CHECK(h.edge(h.zero_edge()) == 0.0);
  CHECK(h.edge(0) <= -1.0);
  CHECK(h.edge(h.bins()) >= 3.0);
  CHECK(h.zero_edge() == 512);
  // One-sided intervals start or end at 0.
  CHECK(Histogram(0.0f, 2.0f).zero_edge() == 0);
  CHECK(Histogram(-2.0f, 0.0f).zero_edge() == Histogram::kDefaultBins);
}

TEST_CASE("a histogram counts zeros apart and tracks the extremes") {
  Histogram h(-2.0f, 4.0f, 6);
  const std::vector<float> values{0.0f, 0.0f, -1.5f, 3.9f, 0.5f, 0.0f};
  h.add(values, "x");
  CHECK(h.total() == 6);
  CHECK(h.zeros() == 3);
  CHECK(h.observed_min() == -1.5f);
  CHECK(h.observed_max() == 3.9f);
  double nonzero = 0;
  for (double c : h.counts()) nonzero += c;
  CHECK(nonzero == 3);
  CHECK(h.counts()[static_cast<size_t>(h.zero_edge())] == 1);  // 0.5 lies in [0, 1)
  const std::vector<float> bad{std::numeric_limits<float>::infinity()};
  CHECK(test::input_error_of([&] { h.add(bad, "conv1"); }).find("conv1") != std::string::npos);
}

TEST_CASE("quantization_mse of uniform data is step^2/12 inside the range and the clipped mass outside") {
  const Histogram h = histogram_of(uniform_samples(200000, 0.0f, 1.0f, 1));
  const double step = 1.0 / 255.0;
  CHECK(quantization_mse(h, 0.0f, 1.0f) == Approx(step * step / 12).epsilon(0.03));
  // Clipping at 0.5: the upper half costs the integral of (x - 0.5)^2 over [0.5, 1] = 1/24, the
  // lower half step'^2/12 / 2 with step' = 0.5/255.
  const double half_step = 0.5 / 255.0;
  CHECK(quantization_mse(h, 0.0f, 0.5f) == Approx(1.0 / 24 + half_step * half_step / 24).epsilon(0.01));
}

TEST_CASE("quantization_mse uses the nudged int8 grid and costs nothing for exact zeros") {
  Histogram h(0.0f, 1.0f, 64);
  const std::vector<float> zeros(100, 0.0f);
  h.add(zeros, "x");
  CHECK(quantization_mse(h, 0.0f, 1.0f) == 0.0);
  // Values exactly on grid points still count as uniform over their bin: error stays below step^2/4.
  const exec::int8_reference::AffineParams p = exec::int8_reference::choose_asymmetric_params(-1.0f, 2.0f);
  const std::vector<float> on_grid{p.scale * 10, p.scale * -20};
  Histogram g(-1.0f, 2.0f, 2048);
  g.add(on_grid, "x");
  CHECK(quantization_mse(g, -1.0f, 2.0f) < p.scale * p.scale / 4);
}
