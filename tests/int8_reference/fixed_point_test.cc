// The gemmlowp-style fixed-point functions against double-precision math and TFLite's
// QuantizationUtilTest goldens for the radius and softmax scaling.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "exec/int8_reference/int8_softmax.h"
#include "exec/int8_reference/quant_math.h"
#include "ir/error.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;

namespace {

double to_real(int32_t raw, int integer_bits) { return std::ldexp(static_cast<double>(raw), integer_bits - 31); }
int32_t to_raw(double x, int integer_bits) {
  return static_cast<int32_t>(std::lround(std::ldexp(x, 31 - integer_bits)));
}

}  // namespace

TEST_CASE("saturating_rounding_multiply_by_pot saturates left and rounds right", "[quant]") {
  CHECK(saturating_rounding_multiply_by_pot(3, 2) == 12);
  CHECK(saturating_rounding_multiply_by_pot(1 << 29, 2) == std::numeric_limits<int32_t>::max());
  CHECK(saturating_rounding_multiply_by_pot(-(1 << 29), 2) == std::numeric_limits<int32_t>::min());
  CHECK(saturating_rounding_multiply_by_pot((1 << 29) - 1, 2) == std::numeric_limits<int32_t>::max() - 3);
  CHECK(saturating_rounding_multiply_by_pot(-10, -2) == -3);  // -2.5 rounds away from zero
  CHECK(saturating_rounding_multiply_by_pot(7, 0) == 7);
}

TEST_CASE("exp_on_negative_values tracks exp() within 1e-6 for 4 and 5 integer bits", "[quant]") {
  CHECK(exp_on_negative_values(0, 5) == std::numeric_limits<int32_t>::max());
  for (int bits : {4, 5}) {
    double worst = 0;
    for (double x = -std::ldexp(1.0, bits) + 1e-3; x < 0; x += 0.0137) {
      const double got = to_real(exp_on_negative_values(to_raw(x, bits), bits), 0);
      worst = std::max(worst, std::fabs(got - std::exp(to_real(to_raw(x, bits), bits))));
    }
    CHECK(worst < 1e-6);
  }
}

TEST_CASE("one_over_one_plus_x, logistic and tanh track double math", "[quant]") {
  double worst = 0;
  for (double a = 0; a < 1; a += 0.001)
    worst = std::max(worst, std::fabs(to_real(one_over_one_plus_x_for_x_in_0_1(to_raw(a, 0)), 0) - 1 / (1 + a)));
  CHECK(worst < 1e-8);
  CHECK(logistic_fixed(0, 4) == (1 << 30));
  CHECK(tanh_fixed(0, 4) == 0);
  double worst_logistic = 0, worst_tanh = 0;
  for (double x = -15.9; x < 15.9; x += 0.0071) {
    const int32_t raw = to_raw(x, 4);
    const double exact = to_real(raw, 4);
    worst_logistic =
        std::max(worst_logistic, std::fabs(to_real(logistic_fixed(raw, 4), 0) - 1 / (1 + std::exp(-exact))));
    worst_tanh = std::max(worst_tanh, std::fabs(to_real(tanh_fixed(raw, 4), 0) - std::tanh(exact)));
  }
  CHECK(worst_logistic < 1e-6);
  CHECK(worst_tanh < 2e-6);
  // Odd/even symmetry holds exactly: logistic(-x) = 1 - logistic(x) in raw units, tanh(-x) = -tanh(x).
  const int32_t raw = to_raw(1.37, 4);
  CHECK(logistic_fixed(-raw, 4) == std::numeric_limits<int32_t>::max() - logistic_fixed(raw, 4));
  CHECK(tanh_fixed(-raw, 4) == -tanh_fixed(raw, 4));
}

TEST_CASE("reciprocal_fixed returns 1/x as a Q0 value and a power of two", "[quant]") {
  for (double x : {1.0, 1.5, 2.0, 3.7, 100.25, 511.9}) {
    int bits_over_unit = 0;
    const int32_t raw = to_raw(x, 12);
    const int32_t r = reciprocal_fixed(raw, 12, bits_over_unit);
    const double got = std::ldexp(to_real(r, 0), -bits_over_unit);
    CHECK(got == Approx(1 / to_real(raw, 12)).epsilon(1e-8));
  }
  int bits = 0;
  CHECK_THROWS_AS(reciprocal_fixed(0, 12, bits), InternalError);
}

TEST_CASE("log_fixed tracks log(x) for x >= 1 from Q12 into Q5", "[quant]") {
  for (double x : {1.0, 1.001, 1.5, 2.0, 2.718281828, 7.3, 100.25, 511.9, 2047.0}) {
    const double got = to_real(log_fixed(to_raw(x, 12), 12, 5), 5);
    CHECK(got == Approx(std::log(to_real(to_raw(x, 12), 12))).margin(2e-6));
  }
}

TEST_CASE("inverse_sqrt_multiplier tracks 1/sqrt(x) as a multiplier and a left shift", "[quant]") {
  for (int32_t x : {2, 3, 10, 255, 1000, 65535, 1 << 20, (1 << 29) + 12345, std::numeric_limits<int32_t>::max()}) {
    const QuantizedMultiplier m = inverse_sqrt_multiplier(x);
    CHECK(m.shift <= 0);
    // Five Newton steps from 1: about 1e-6 relative, as TFLite computes it.
    CHECK(std::ldexp(to_real(m.multiplier, 0), m.shift) == Approx(1 / std::sqrt(static_cast<double>(x))).epsilon(2e-6));
  }
  // 0 and 1 give the largest multiplier unshifted (TFLite handles both as 1).
  CHECK(inverse_sqrt_multiplier(1) == QuantizedMultiplier{std::numeric_limits<int32_t>::max(), 0});
  CHECK(inverse_sqrt_multiplier(0) == QuantizedMultiplier{std::numeric_limits<int32_t>::max(), 0});
}

TEST_CASE("input_radius and softmax scaling match TFLite's QuantizationUtilTest goldens", "[quant]") {
  // QuantizationUtilTest.CalculateInputRadius.
  CHECK(input_radius(4, 27) == 15);
  CHECK(input_radius(3, 27) == 14);
  CHECK(input_radius(3, 28) == 7);
  CHECK(input_radius(4, 2) == 503316480);
  // QuantizationUtilTest.PreprocessSoftmaxScaling: products beyond the integer bits cap at 2^31 - 1.
  CHECK(softmax_input_multiplier(1.0, 16.0, 4) == QuantizedMultiplier{2147483647, 31});
  CHECK(softmax_input_multiplier(1.0, 8.0, 4) == QuantizedMultiplier{1073741824, 31});
  CHECK(softmax_input_multiplier(2.0, 16.0, 5) == QuantizedMultiplier{2147483647, 31});
  CHECK(softmax_input_multiplier(2.0, 8.0, 5) == QuantizedMultiplier{1073741824, 31});
  // A product not above 1 is what TFLite's QuantizeMultiplierGreaterThanOne aborts on.
  CHECK_THROWS_AS(softmax_input_multiplier(1.0, std::ldexp(1.0, -26), 5), InputError);
}
