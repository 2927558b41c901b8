// quant_math: multiplier quantization against TFLite's quantization_util_test goldens,
// multiply_by_quantized_multiplier against an independent 64-bit formulation of the same rounding,
// parameter choice, weight/bias quantization and activation ranges.
#include "exec/int8_reference/quant_math.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "ir/error.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using tinyc::quant_test::qp;

namespace {

constexpr int32_t kMin32 = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax32 = std::numeric_limits<int32_t>::max();

// floor(v / 2^bits) for any sign.
int64_t floor_shift(int64_t v, int bits) {
  const int64_t d = int64_t{1} << bits;
  return v >= 0 ? v / d : -((-v + d - 1) / d);
}

// The same double rounding written as plain integer arithmetic: the high multiply is
// floor((a * b + 2^30) / 2^31) (ties toward +infinity), saturated for -2^31 * -2^31; the right shift
// rounds half away from zero.
int32_t reference_multiply(int32_t x, int32_t multiplier, int shift) {
  const int64_t a = static_cast<int64_t>(x) << std::max(shift, 0);
  const int64_t high =
      (a == kMin32 && multiplier == kMin32) ? kMax32 : floor_shift(a * multiplier + (int64_t{1} << 30), 31);
  const int right = std::max(-shift, 0);
  if (right == 0) return static_cast<int32_t>(high);
  const int64_t half = int64_t{1} << (right - 1);
  return static_cast<int32_t>(high >= 0 ? (high + half) >> right : -((-high + half) >> right));
}

QuantizedMultiplier qm(int32_t m, int s) { return {m, s}; }

}  // namespace

TEST_CASE("quantize_multiplier matches TFLite's QuantizationUtilTest goldens", "[quant]") {
  // QuantizationUtilTest.QuantizeMultiplier: powers of two.
  CHECK(quantize_multiplier(0.0) == qm(0, 0));
  CHECK(quantize_multiplier(0.125) == qm(1073741824, -2));
  CHECK(quantize_multiplier(0.25) == qm(1073741824, -1));
  CHECK(quantize_multiplier(0.5) == qm(1073741824, 0));
  CHECK(quantize_multiplier(1.0) == qm(1073741824, 1));
  CHECK(quantize_multiplier(4.0) == qm(1073741824, 3));
  CHECK(quantize_multiplier(-0.5) == qm(-1073741824, 0));
  // QuantizeMultiplierSmallerThanOneExp / GreaterThanOne: around the powers of two.
  CHECK(quantize_multiplier(0.75) == qm(1610612736, 0));
  CHECK(quantize_multiplier(0.50 - 5e-9) == qm(2147483627, -1));
  CHECK(quantize_multiplier(0.50 - 1e-10) == qm(1073741824, 0));
  CHECK(quantize_multiplier(1 - 1e-9) == qm(2147483646, 0));
  CHECK(quantize_multiplier(1.25) == qm(1342177280, 1));
  CHECK(quantize_multiplier(1.75) == qm(1879048192, 1));
  CHECK(quantize_multiplier(2 - 1e-9) == qm(2147483647, 1));
  // The rounding reaches 2^31: renormalized to 2^30 with the shift raised by one.
  CHECK(quantize_multiplier(1 - 1e-15) == qm(1073741824, 1));
  CHECK(quantize_multiplier(2 - 1e-11) == qm(1073741824, 2));
  // QuantizationUtilTest.QuantizeMultiplierUnderflow: below about 2^-31 flushes to zero.
  CHECK(quantize_multiplier(std::ldexp(1.0f, -31)) == qm(1073741824, -30));
  CHECK(quantize_multiplier(std::ldexp(1.0f, -32)) == qm(1073741824, -31));
  CHECK(quantize_multiplier(std::ldexp(0.99f, -32)) == qm(0, 0));
  CHECK(quantize_multiplier(std::ldexp(1.0f, -33)) == qm(0, 0));
}

TEST_CASE("quantize_multiplier of 1/3 and tiny values, hand-computed", "[quant]") {
  // 1/3 = 0.6667 * 2^-1; 0.6667 * 2^31 = 1431655765.33 rounds down.
  CHECK(quantize_multiplier(1.0 / 3.0) == qm(1431655765, -1));
  // 2^-20 * 1.5: mantissa 0.75 -> 1610612736, exponent -19.
  CHECK(quantize_multiplier(std::ldexp(1.5, -20)) == qm(1610612736, -19));
  // Every non-zero result reconstructs its input to 31 significant bits.
  for (double m : {1e-6, 3.3e-4, 0.0173, 0.49999, 0.9, 1.7, 123.456}) {
    const QuantizedMultiplier q = quantize_multiplier(m);
    CHECK(q.multiplier >= (1 << 30));
    CHECK(std::fabs(std::ldexp(static_cast<double>(q.multiplier), q.shift - 31) - m) <= std::ldexp(m, -31));
  }
  CHECK_THROWS_AS(quantize_multiplier(std::numeric_limits<double>::infinity()), InternalError);
}

TEST_CASE("multiply_by_quantized_multiplier matches TFLite's MultiplyByQuantizedMultiplierInt32 goldens", "[quant]") {
  auto quant_and_multiply = [](int32_t x, double m) {
    return multiply_by_quantized_multiplier(x, quantize_multiplier(m));
  };
  CHECK(quant_and_multiply(0, 0.1) == 0);
  CHECK(quant_and_multiply(1, 0) == 0);
  CHECK(quant_and_multiply(10000, 0.00097656) == 10);
  CHECK(quant_and_multiply(10000, -0.00097656) == -10);
  CHECK(quant_and_multiply(-10000, 0.00097656) == -10);
  CHECK(quant_and_multiply(-10000, -0.00097656) == 10);
  CHECK(quant_and_multiply(kMin32, 0.00001) == -21475);
  CHECK(quant_and_multiply(kMin32, -0.00001) == 21475);
  CHECK(quant_and_multiply(kMax32, 0.00001) == 21475);
  CHECK(quant_and_multiply(kMax32, -0.00001) == -21475);
  // Largest x and multiplier with shift -3: round(x * m / 2^34).
  const int32_t expected = static_cast<int32_t>(std::round(static_cast<double>(kMax32) * kMax32 / std::ldexp(1.0, 34)));
  CHECK(multiply_by_quantized_multiplier(kMax32, kMax32, -3) == expected);
  CHECK(multiply_by_quantized_multiplier(-kMax32, kMax32, -3) == -expected);
}

TEST_CASE("multiply_by_quantized_multiplier: double rounding at the ties, hand-computed", "[quant]") {
  // 2^30 / 2^31 = 0.5: the high multiply rounds ties up, then a right shift of 1 rounds away from 0.
  CHECK(saturating_rounding_doubling_high_mul(1, 1 << 30) == 1);   // 0.5 -> 1
  CHECK(saturating_rounding_doubling_high_mul(-1, 1 << 30) == 0);  // -0.5 -> 0
  CHECK(saturating_rounding_doubling_high_mul(kMin32, kMin32) == kMax32);
  CHECK(rounding_divide_by_pot(5, 1) == 3);    // 2.5 -> 3
  CHECK(rounding_divide_by_pot(-5, 1) == -3);  // -2.5 -> -3
  CHECK(rounding_divide_by_pot(-6, 2) == -2);  // -1.5 -> -2
  CHECK(rounding_divide_by_pot(7, 0) == 7);
  // x = 3 times 0.5 then /2 (m = 2^30, shift -1): high = 1.5 -> 2, then 2 / 2 = 1. A single rounding
  // of 3 * 0.25 = 0.75 would also give 1; x = 1: high = 0.5 -> 1, 1/2 = 0.5 -> 1 (single: 0.25 -> 0).
  CHECK(multiply_by_quantized_multiplier(3, 1 << 30, -1) == 1);
  CHECK(multiply_by_quantized_multiplier(1, 1 << 30, -1) == 1);
  // The left shift comes before the high multiply: 3 * 2^2 * 0.5 = 6.
  CHECK(multiply_by_quantized_multiplier(3, 1 << 30, 2) == 6);
}

TEST_CASE("multiply_by_quantized_multiplier agrees with the 64-bit formulation on 2 million cases", "[quant]") {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int32_t> any32(kMin32, kMax32);
  std::uniform_int_distribution<int32_t> mantissa(1 << 30, kMax32);
  std::uniform_int_distribution<int32_t> small(-(1 << 20), 1 << 20);
  std::uniform_int_distribution<int> right_shift(-31, 0);
  std::uniform_int_distribution<int> left_shift(1, 10);
  int64_t mismatches = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const int32_t m = (i % 7 == 0) ? any32(rng) : mantissa(rng);
    const int32_t x = any32(rng);
    const int s = right_shift(rng);
    mismatches += multiply_by_quantized_multiplier(x, m, s) != reference_multiply(x, m, s);
    // Left shifts with x small enough not to wrap (as in every kernel's accumulator range).
    const int32_t xs = small(rng);
    const int ls = left_shift(rng);
    mismatches += multiply_by_quantized_multiplier(xs, m, ls) != reference_multiply(xs, m, ls);
  }
  // Exhaustive over every int16 x for a handful of multipliers at every right shift.
  for (int32_t m : {1 << 30, 1431655765, 2147483647, 1610612737}) {
    for (int s = -31; s <= 0; ++s)
      for (int32_t x = -32768; x <= 32767; x += 3)
        mismatches += multiply_by_quantized_multiplier(x, m, s) != reference_multiply(x, m, s);
  }
  CHECK(mismatches == 0);
}

TEST_CASE("choose_asymmetric_params mirrors TFLite's ChooseQuantizationParams shifted to int8", "[quant]") {
  // ChooseQuantizationParams<uint8>(-10, 30): scale 0.156863, zero point 64 (uint8) = -64 (int8).
  AffineParams p = choose_asymmetric_params(-10.0f, 30.0f);
  CHECK(p.scale == Approx(40.0 / 255.0).epsilon(1e-6));
  CHECK(p.zero_point == -64);
  // ...ZeroPointOnMinBoundary (0, 30): uint8 0 = int8 -128; ...OnMaxBoundary (-10, 0): 255 = 127.
  CHECK(choose_asymmetric_params(0.0f, 30.0f).zero_point == -128);
  CHECK(choose_asymmetric_params(-10.0f, 0.0f).zero_point == 127);
  // A range not containing 0 is widened to contain it, so 0.0 stays exactly representable.
  p = choose_asymmetric_params(2.0f, 6.0f);
  CHECK(p.zero_point == -128);
  CHECK(dequantize_value(static_cast<int8_t>(p.zero_point), p) == 0.0f);
  CHECK(p.scale == Approx(6.0 / 255.0).epsilon(1e-6));
  // A single point: scale 1, zero point -128.
  CHECK(choose_asymmetric_params(0.0f, 0.0f) == AffineParams{1.0f, -128});
  CHECK_THROWS_AS(choose_asymmetric_params(0.0f, std::numeric_limits<float>::infinity()), InputError);
  CHECK_THROWS_AS(choose_asymmetric_params(1.0f, -1.0f), InputError);
}

TEST_CASE("quantize_weights_per_channel and quantize_bias", "[quant]") {
  // Two channels: max |w| 4 and 0.5; channel 1 has an all-zero twin channel 2.
  const std::vector<float> w = {1, 2, 3, 4, -0.5f, 0.25f, 0, 0, 0, 0, 0, 0};
  const SymmetricWeights q = quantize_weights_per_channel(w, 3);
  REQUIRE(q.scales.size() == 3);
  CHECK(q.scales[0] == 4.0f / 127);
  CHECK(q.scales[1] == 0.5f / 127);
  CHECK(q.scales[2] == 1.0f);
  // round(w * 127 / 4): 31.75 -> 32, 63.5 -> 64, 95.25 -> 95, 127.
  CHECK(q.values == std::vector<int8_t>{32, 64, 95, 127, -127, 64, 0, 0, 0, 0, 0, 0});
  // bias at s_in * s_w[c]: 0.75 / (0.5 * 4/127) = 47.625 -> 48; (-1/127) / (0.5 * 0.5/127) = -4.
  const std::vector<int32_t> b =
      quantize_bias(std::vector<float>{0.75f, -1.0f / 127}, 0.5f, std::span(q.scales).first(2));
  CHECK(b == std::vector<int32_t>{48, -4});
  CHECK(quantize_bias(std::vector<float>{1e30f}, 1e-10f, std::vector<float>{1e-10f})[0] == kMax32);
  CHECK_THROWS_AS(quantize_bias(std::vector<float>{1.0f}, 0.0f, std::vector<float>{1.0f}), InputError);
}

TEST_CASE("quantize_weights_per_channel: a channel whose max |w| / 127 underflows is zeros at scale 1", "[quant]") {
  // 1e-44 is a denormal: 1e-44 / 127 rounds to 0, which used to give 0 / 0 = NaN cast to int8.
  const SymmetricWeights q = quantize_weights_per_channel(std::vector<float>{1e-44f, -1e-44f, 1.0f, 0.5f}, 2);
  CHECK(q.scales == std::vector<float>{1.0f, 1.0f / 127});
  CHECK(q.values == std::vector<int8_t>{0, 0, 127, 64});
}

TEST_CASE("quantize_value and dequantize_value use TFLite's rounding", "[quant]") {
  const AffineParams p{0.5f, -1};
  CHECK(quantize_value(1.25f, p) == 2);    // 2.5 -> 3, -1
  CHECK(quantize_value(-1.25f, p) == -4);  // -2.5 -> -3, -1
  CHECK(quantize_value(1000.0f, p) == 127);
  CHECK(quantize_value(-1000.0f, p) == -128);
  CHECK(quantize_value(std::numeric_limits<float>::infinity(), p) == 127);
  CHECK(quantize_value(std::numeric_limits<float>::quiet_NaN(), p) == -1);
  CHECK(dequantize_value(-128, p) == -63.5f);
  CHECK(dequantize_value(127, p) == 64.0f);
}

TEST_CASE("per_tensor and symmetric_channel_scales reject invalid parameters", "[quant]") {
  CHECK(per_tensor(qp(0.25f, -3), "x") == AffineParams{0.25f, -3});
  CHECK_THROWS_AS(per_tensor(qp(0.0f, 0), "x"), InputError);
  CHECK_THROWS_AS(per_tensor(qp(-1.0f, 0), "x"), InputError);
  CHECK_THROWS_AS(per_tensor(qp(std::numeric_limits<float>::quiet_NaN(), 0), "x"), InputError);
  CHECK_THROWS_AS(per_tensor(qp(1.0f, 128), "x"), InputError);
  CHECK_THROWS_AS(per_tensor(ir::QuantParams{{1.0f, 2.0f}, {0, 0}, 0}, "x"), InputError);
  CHECK(symmetric_channel_scales(qp(0.5f, 0), 3, "w") == std::vector<float>{0.5f, 0.5f, 0.5f});
  CHECK_THROWS_AS(symmetric_channel_scales(qp(0.5f, 1), 3, "w"), InputError);
  CHECK_THROWS_AS(symmetric_channel_scales(ir::QuantParams{{1.0f, 2.0f}, {0, 0}, 0}, 3, "w"), InputError);
  CHECK_THROWS_AS(symmetric_channel_scales(ir::QuantParams{{1.0f, 2.0f}, {0, 0}, 1}, 2, "w"), InputError);
  CHECK_THROWS_AS(effective_multiplier(std::ldexp(1.0, 31), "k"), InputError);
  CHECK_THROWS_AS(multiplier_smaller_than_one(1.0, "k"), InputError);
  CHECK_THROWS_AS(multiplier_smaller_than_one(1 - 1e-15, "k"), InputError);  // rounds to 1
}

TEST_CASE("activation_range follows CalculateActivationRangeQuantized", "[quant]") {
  const AffineParams out{0.05f, -20};
  CHECK(activation_range(ActivationBounds::none(), out) == ActivationRange{-128, 127});
  CHECK(activation_range(ActivationBounds::relu(), out) == ActivationRange{-20, 127});
  // 6 / 0.05 = 120 -> -20 + 120 = 100.
  CHECK(activation_range(ActivationBounds::relu6(), out) == ActivationRange{-20, 100});
  CHECK(activation_range(ActivationBounds::relu_n1_to_1(), out) == ActivationRange{-40, 0});
  // A bound past the int8 range is cut to it.
  CHECK(activation_range(ActivationBounds::relu6(), AffineParams{0.01f, 0}) == ActivationRange{0, 127});
  // Clamping order: min first, then max, so an empty range yields max.
  CHECK(clamp_to(-5, ActivationRange{10, 3}) == 3);
  CHECK_THROWS_AS(activation_range({0.0f, 1e30f}, AffineParams{1e-10f, 0}), InputError);
}
