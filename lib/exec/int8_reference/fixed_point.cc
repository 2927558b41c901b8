// gemmlowp-style fixed-point exp, reciprocal, logistic and tanh on raw int32 values (see
// quant_math.h). Each function follows gemmlowp's operation sequence step by step, because the int8
// Softmax/Logistic/Tanh outputs are only bit-exact with TFLite when every intermediate rounding is.
// Notation: Qi = a raw int32 with i integer bits; a * b of Qi and Qj is a rounding doubling high
// multiply giving Q(i + j); "+" and "-" are plain (wrapping) int32 arithmetic.
#include <algorithm>
#include <bit>
#include <cmath>

#include "exec/int8_reference/quant_math.h"
#include "ir/error.h"

namespace tinyc::exec::int8_reference {

namespace {

constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();

// Two's-complement wrapping add/sub/negate (gemmlowp's raw arithmetic never overflows on the paths
// used here; wrapping keeps any surprise defined).
int32_t add(int32_t a, int32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b)); }
int32_t sub(int32_t a, int32_t b) { return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b)); }
int32_t neg(int32_t a) { return sub(0, a); }
int32_t mul(int32_t a, int32_t b) { return saturating_rounding_doubling_high_mul(a, b); }

// The value 1 in Qi: 2^(31 - i), or the largest Q0 value.
int32_t one(int integer_bits) { return integer_bits == 0 ? kInt32Max : int32_t{1} << (31 - integer_bits); }

// a + b and a - b clamped to the int32 range.
int32_t saturating_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(std::clamp<int64_t>(int64_t{a} + b, kInt32Min, kInt32Max));
}
int32_t saturating_sub(int32_t a, int32_t b) {
  return static_cast<int32_t>(std::clamp<int64_t>(int64_t{a} - b, kInt32Min, kInt32Max));
}

// (a + b) / 2 rounded half away from zero, computed in 64 bits.
int32_t rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + b;
  return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// exp(a) for a in [-1/4, 0), Q0 -> Q0: Taylor expansion around -1/8.
int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a) {
  constexpr int32_t kExpMinusOneEighth = 1895147668;  // exp(-1/8)
  constexpr int32_t kOneThird = 715827883;
  const int32_t x = add(a, int32_t{1} << 28);  // x = a + 1/8
  const int32_t x2 = mul(x, x);
  const int32_t x3 = mul(x2, x);
  const int32_t x4 = mul(x2, x2);
  const int32_t x4_over_4 = rounding_divide_by_pot(x4, 2);
  const int32_t poly = rounding_divide_by_pot(add(mul(add(x4_over_4, x3), kOneThird), x2), 1);
  return add(kExpMinusOneEighth, mul(kExpMinusOneEighth, add(x, poly)));
}

// Newton-Raphson for 1 / (1 + a) with a in [0, 1), Q0 in, Q2 out: x approximates 1 / half_denominator.
int32_t reciprocal_of_half_denominator(int32_t half_denominator) {
  constexpr int32_t k48Over17 = 1515870810;        // Q2
  constexpr int32_t kMinus32Over17 = -1010580540;  // Q2
  int32_t x = add(k48Over17, mul(half_denominator, kMinus32Over17));
  for (int i = 0; i < 3; ++i) {
    const int32_t one_minus_dx = sub(one(2), mul(half_denominator, x));
    x = add(x, saturating_rounding_multiply_by_pot(mul(x, one_minus_dx), 2));  // Q4 -> Q2
  }
  return x;
}

// (1 - a) / (1 + a) for a in (0, 1), Q0 -> Q0.
int32_t one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t x = reciprocal_of_half_denominator(rounding_half_sum(a, one(0)));
  return saturating_rounding_multiply_by_pot(sub(x, one(2)), 2);
}

}  // namespace

int32_t saturating_rounding_multiply_by_pot(int32_t x, int exponent) {
  if (exponent < 0) return rounding_divide_by_pot(x, -exponent);
  if (exponent == 0) return x;
  const int32_t threshold = (int32_t{1} << (31 - exponent)) - 1;
  if (x > threshold) return kInt32Max;
  if (x < -threshold) return kInt32Min;
  return static_cast<int32_t>(static_cast<int64_t>(x) * (int64_t{1} << exponent));
}

int32_t exp_on_negative_values(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = int32_t{1} << (fractional_bits - 2);
  const int32_t a_mod_quarter_minus_one_quarter = sub(a & (one_quarter - 1), one_quarter);
  int32_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(
      saturating_rounding_multiply_by_pot(a_mod_quarter_minus_one_quarter, integer_bits));
  const int32_t remainder = sub(a_mod_quarter_minus_one_quarter, a);
  // exp(-2^k) for k = -2..4: one factor per set bit of the whole quarters in -a.
  constexpr struct {
    int exponent;
    int32_t factor;
  } kBarrel[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                 {2, 39332535},    {3, 720401},      {4, 242}};
  for (const auto& step : kBarrel) {
    if (integer_bits <= step.exponent) continue;
    if (remainder & (int32_t{1} << (fractional_bits + step.exponent))) result = mul(result, step.factor);
  }
  if (integer_bits > 5) {
    const int32_t minus_32 = -(int32_t{1} << (36 - integer_bits));
    if (a < minus_32) result = 0;
  }
  return a == 0 ? one(0) : result;
}

int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t x = reciprocal_of_half_denominator(rounding_half_sum(a, one(0)));
  return saturating_rounding_multiply_by_pot(x, 1);  // x / 2 in Q1 is x in Q2; Q1 -> Q0
}

int32_t logistic_fixed(int32_t a, int integer_bits) {
  if (a == 0) return int32_t{1} << 30;  // 1/2
  const int32_t magnitude = a > 0 ? a : neg(a);
  const int32_t positive = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(neg(magnitude), integer_bits));
  return a > 0 ? positive : sub(one(0), positive);
}

int32_t tanh_fixed(int32_t a, int integer_bits) {
  if (a == 0) return 0;
  const int32_t non_positive = a < 0 ? a : neg(a);
  // -tanh(n) for n < 0 is (1 - exp(2n)) / (1 + exp(2n)); 2n is n read with one more integer bit.
  const int32_t t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(non_positive, integer_bits + 1));
  return a < 0 ? neg(t) : t;
}

int32_t reciprocal_fixed(int32_t x, int integer_bits, int& bits_over_unit) {
  if (x <= 0) throw InternalError("reciprocal_fixed: x must be > 0, got " + std::to_string(x));
  const int headroom_plus_one = std::countl_zero(static_cast<uint32_t>(x));
  bits_over_unit = integer_bits - headroom_plus_one;
  const auto shifted_minus_one =
      static_cast<int32_t>((static_cast<uint32_t>(x) << headroom_plus_one) - (uint32_t{1} << 31));
  return one_over_one_plus_x_for_x_in_0_1(shifted_minus_one);
}

int32_t log_fixed(int32_t x, int input_integer_bits, int output_integer_bits) {
  const int accum_bits = output_integer_bits + 1;
  constexpr int32_t kLog2 = 1488522236;          // log(2), Q0
  constexpr int32_t kSqrtSqrtHalf = 1805811301;  // 0.5^(1/4)
  constexpr int32_t kSqrtHalf = 1518500250;      // 0.5^(1/2)
  constexpr int32_t kOneQuarter = 536870912;
  constexpr int32_t kAlphaN = 117049297;  // 11/240 * 2^(1/4)
  constexpr int32_t kAlphaD = 127690142;  // 1/20 * 2^(1/4)
  constexpr int32_t kAlphaI = 1057819769;  // 2 / 2^(1/4) - 2^(1/4)
  constexpr int32_t kAlphaF = 638450708;   // 1/4 * 2^(1/4)
  const int32_t shifted_quarter = saturating_rounding_multiply_by_pot(kOneQuarter, -accum_bits);  // Q0 -> Q(accum)
  // x read as Q0, normalized two ways (x and x / sqrt 2) to a mantissa r in [sqrt(1/2), 1) and a power of 2.
  const int z_a_headroom_plus_1 = std::countl_zero(static_cast<uint32_t>(x));
  const int32_t r_a_tmp = saturating_rounding_multiply_by_pot(x, z_a_headroom_plus_1 - 1);
  const int32_t r_a = saturating_rounding_multiply_by_pot(mul(r_a_tmp, kSqrtHalf), 1);
  const int32_t z_a_pow_2_adj = saturating_add(
      saturating_rounding_multiply_by_pot(input_integer_bits - z_a_headroom_plus_1, 31 - accum_bits), shifted_quarter);
  const int32_t z_b = mul(x, kSqrtHalf);
  const int z_b_headroom = std::countl_zero(static_cast<uint32_t>(z_b)) - 1;
  const int32_t r_b = saturating_rounding_multiply_by_pot(x, z_b_headroom);
  const int32_t z_b_pow_2_adj = saturating_sub(
      saturating_rounding_multiply_by_pot(input_integer_bits - z_b_headroom, 31 - accum_bits), shifted_quarter);
  const int32_t r = std::min(r_a, r_b);
  const int32_t z_pow_2_adj = std::max(z_a_pow_2_adj, z_b_pow_2_adj);
  // log(r) by a rational function of q = 2 (r - 0.5^(1/4)).
  const int32_t p = rounding_half_sum(r, kSqrtSqrtHalf);
  int32_t q = sub(r, kSqrtSqrtHalf);
  q = add(q, q);
  const int32_t common_sq = mul(q, q);
  const int32_t num = add(mul(q, r), mul(mul(q, common_sq), kAlphaN));
  const int32_t denom_minus_one = add(mul(p, add(add(kAlphaI, q), mul(kAlphaD, common_sq))), mul(kAlphaF, q));
  const int32_t recip_denom = one_over_one_plus_x_for_x_in_0_1(denom_minus_one);
  const int32_t num_scaled = saturating_rounding_multiply_by_pot(num, -accum_bits);  // Q0 -> Q(accum)
  const int32_t log_x = add(mul(z_pow_2_adj, kLog2), mul(num_scaled, recip_denom));
  return saturating_rounding_multiply_by_pot(log_x, accum_bits - output_integer_bits);
}

QuantizedMultiplier inverse_sqrt_multiplier(int32_t x) {
  if (x <= 1) return {kInt32Max, 0};
  int right_shift = 11;
  while (x >= (int32_t{1} << 29)) {
    x /= 4;
    ++right_shift;
  }
  // Normalize x into [2^27, 2^29) by an even left shift.
  const int pairs = (std::countl_zero(static_cast<uint32_t>(x)) - 1) / 2 - 1;
  right_shift -= pairs;
  x <<= 2 * pairs;
  const int32_t input = x >> 1;                                   // Q3
  const int32_t half_input = saturating_rounding_multiply_by_pot(input, -1);
  constexpr int32_t kThreeHalves = (int32_t{1} << 28) + (int32_t{1} << 27);  // 1.5 in Q3
  int32_t y = one(3);
  for (int i = 0; i < 5; ++i) {
    const int32_t y3 = saturating_rounding_multiply_by_pot(mul(mul(y, y), y), 6);  // Q9 -> Q3
    y = saturating_rounding_multiply_by_pot(sub(mul(kThreeHalves, y), mul(half_input, y3)), 3);  // Q6 -> Q3
  }
  constexpr int32_t kHalfSqrt2 = 1518500250;  // sqrt(2) / 2 in Q0
  int32_t multiplier = mul(y, kHalfSqrt2);
  if (right_shift < 0) {
    multiplier = static_cast<int32_t>(static_cast<uint32_t>(multiplier) << -right_shift);
    right_shift = 0;
  }
  return {multiplier, -right_shift};
}

int32_t input_radius(int integer_bits, int left_shift, int total_signed_bits) {
  const double max_rescaled =
      std::ldexp(static_cast<double>((1 << integer_bits) - 1), total_signed_bits - integer_bits - left_shift);
  return static_cast<int32_t>(std::floor(max_rescaled));
}

}  // namespace tinyc::exec::int8_reference
