// Quantization math shared by every int8 kernel, bit-exact with TFLite (Micro)'s reference arithmetic:
// r = scale * (q - zero_point); parameters chosen from float ranges; 32-bit fixed-point multipliers
// applied with TFLite's default double rounding (a rounding doubling high multiply, then a rounding
// right shift); fused-activation clamps; and the gemmlowp-style fixed-point functions behind int8
// Softmax, Logistic and Tanh (implemented in fixed_point.cc).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "ir/quant_params.h"

namespace tinyc::exec::int8_reference {

inline constexpr int32_t kInt8Min = -128;
inline constexpr int32_t kInt8Max = 127;
// Symmetric weights use [-127, 127] so that negation never overflows.
inline constexpr int32_t kWeightMax = 127;

// ---------------------------------------------------------------------------------------------
// Affine parameters

// The per-tensor parameters of one int8 activation tensor.
struct AffineParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
  bool operator==(const AffineParams&) const = default;
};

// Validates the parameters of a per-tensor int8 tensor: one scale, finite and > 0, and a zero point
// in [-128, 127]. `what` names the tensor in the InputError ("Conv input").
AffineParams per_tensor(const ir::QuantParams& qp, const std::string& what);

// Validates symmetric weight parameters for `channels` output channels along axis 0: one scale (used
// for every channel) or one per channel, each finite and > 0, every zero point 0. Returns one scale
// per channel.
std::vector<float> symmetric_channel_scales(const ir::QuantParams& qp, int64_t channels, const std::string& what);

// Asymmetric int8 parameters for a calibrated float range. The range is widened to contain 0, then
// scale = (max - min) / 255 and the zero point is the rounded real zero point taken from whichever
// end loses less precision, clamped to [-128, 127] (TFLite's nudging), so 0.0 is exactly
// representable. A range that is a single point gets scale 1 and zero point -128. InputError when an
// end is not finite.
AffineParams choose_asymmetric_params(float min, float max);

// Weights quantized symmetrically per output channel (the leading dim of a channel-major tensor) at
// `bits` (8 or 4): with m = 2^(bits-1) - 1 (127 or 7), scale[c] = max|w[c]| / m (1 for an all-zero
// channel) and q = round(w / scale[c]) in [-m, m].
struct SymmetricWeights {
  std::vector<int8_t> values;
  std::vector<float> scales;
};
SymmetricWeights quantize_weights_per_channel(std::span<const float> weights, int64_t channels, int bits = 8);

// The largest symmetric level of `bits`-bit weights: 127 for 8, 7 for 4.
inline int32_t weight_max(int bits) { return (1 << (bits - 1)) - 1; }

// Bias as int32 at scale input_scale * weight_scale[c] (one weight scale, or one per element),
// rounded half away from zero and clamped to [-(2^31 - 1), 2^31 - 1].
std::vector<int32_t> quantize_bias(std::span<const float> bias, float input_scale,
                                   std::span<const float> weight_scales);

// q = clamp(round(x / scale) + zero_point) with the division in float, as TFLite's Quantize kernel.
// NaN maps to the zero point.
int8_t quantize_value(float x, AffineParams p);
// scale * (q - zero_point) in float, as TFLite's Dequantize kernel.
inline float dequantize_value(int8_t q, AffineParams p) {
  return p.scale * static_cast<float>(static_cast<int32_t>(q) - p.zero_point);
}

// ---------------------------------------------------------------------------------------------
// Fixed-point multipliers

// A real multiplier as multiplier * 2^(shift - 31), |multiplier| in [2^30, 2^31] or 0.
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int shift = 0;  // > 0 shifts left, < 0 shifts right
  bool operator==(const QuantizedMultiplier&) const = default;
};

// TFLite's QuantizeMultiplier: frexp, round half away from zero to 31 bits, renormalize when the
// rounding reaches 2^31, and flush multipliers below about 2^-31 to zero. InternalError when `m` is
// not finite.
QuantizedMultiplier quantize_multiplier(double m);

// quantize_multiplier for a kernel's effective scale, with the range TFLite's integer kernels
// accept: InputError naming `what` unless m is finite, >= 0 and below 2^30 (left shift <= 30).
QuantizedMultiplier effective_multiplier(double m, const std::string& what);

// TFLite's QuantizeMultiplierSmallerThanOneExp: InputError naming `what` unless 0 < m < 1 and the
// rounded multiplier keeps shift <= 0 (TFLite aborts on those cases).
QuantizedMultiplier multiplier_smaller_than_one(double m, const std::string& what);

// round(a * b / 2^31) with ties toward +infinity, saturating the single overflow case
// (-2^31 * -2^31) to 2^31 - 1 (ARM's VQRDMULH).
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * b;
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// x / 2^exponent rounded half away from zero, exponent in [0, 31].
inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// TFLite's MultiplyByQuantizedMultiplier (double rounding): x * 2^left, the rounding doubling high
// multiply, then the rounding right shift. shift in [-31, 30]. The left shift wraps in 32 bits as
// TFLite's int32 product does on two's-complement targets.
inline int32_t multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  const auto shifted = static_cast<int32_t>(static_cast<int64_t>(x) * (int64_t{1} << left));
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), right);
}
inline int32_t multiply_by_quantized_multiplier(int32_t x, QuantizedMultiplier m) {
  return multiply_by_quantized_multiplier(x, m.multiplier, m.shift);
}

// ---------------------------------------------------------------------------------------------
// Fused activations

// A fused activation as the float interval it clamps to; an infinite end does not clamp.
struct ActivationBounds {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();

  static ActivationBounds none() { return {}; }
  static ActivationBounds relu() { return {0.0f, std::numeric_limits<float>::infinity()}; }
  static ActivationBounds relu6() { return {0.0f, 6.0f}; }
  static ActivationBounds relu_n1_to_1() { return {-1.0f, 1.0f}; }
};

// The int8 clamp of a kernel's output.
struct ActivationRange {
  int32_t min = kInt8Min;
  int32_t max = kInt8Max;
  bool operator==(const ActivationRange&) const = default;
};

// TFLite's CalculateActivationRangeQuantized: each finite end quantized as zero_point +
// round(end / scale) (float division) and intersected with [-128, 127].
ActivationRange activation_range(ActivationBounds bounds, AffineParams output);

// Clamps in TFLite's order (raise to min, then lower to max), so a range with min > max yields max.
inline int8_t clamp_to(int32_t v, ActivationRange r) {
  const int32_t raised = v < r.min ? r.min : v;
  return static_cast<int8_t>(raised > r.max ? r.max : raised);
}

// ---------------------------------------------------------------------------------------------
// gemmlowp fixed point. A raw int32 with I integer bits holds the value raw / 2^(31 - I).

// x * 2^exponent: saturating for exponent > 0, rounding_divide_by_pot for exponent < 0.
int32_t saturating_rounding_multiply_by_pot(int32_t x, int exponent);
// exp(a) for a <= 0 with `integer_bits` integer bits (0..6); result with 0 integer bits.
int32_t exp_on_negative_values(int32_t a, int integer_bits);
// 1 / (1 + a) for a in [0, 1) with 0 integer bits (Newton-Raphson, 3 steps); result with 0 integer bits.
int32_t one_over_one_plus_x_for_x_in_0_1(int32_t a);
// logistic(a) and tanh(a), input with `integer_bits` integer bits, result with 0 integer bits.
int32_t logistic_fixed(int32_t a, int integer_bits);
int32_t tanh_fixed(int32_t a, int integer_bits);
// TFLite's GetReciprocal: 1 / x for x > 0 with `integer_bits` integer bits, returned as a value in
// (0.5, 1] with 0 integer bits and the power of two it is scaled by (bits_over_unit).
int32_t reciprocal_fixed(int32_t x, int integer_bits, int& bits_over_unit);
// TFLite's log_x_for_x_greater_than_or_equal_to_1: log(x) for x >= 1 held with `input_integer_bits`,
// the result with `output_integer_bits` (a rational approximation around 2^(1/4), one extra integer
// bit of headroom while accumulating).
int32_t log_fixed(int32_t x, int input_integer_bits, int output_integer_bits);
// TFLite's GetInvSqrtQuantizedMultiplierExp: 1 / sqrt(x) for an integer x >= 0 as a multiplier and a
// left shift (Newton-Raphson, 5 steps, in Q3); x <= 1 gives the largest multiplier and shift 0.
QuantizedMultiplier inverse_sqrt_multiplier(int32_t x);
// TFLite's CalculateInputRadius: the largest input magnitude whose rescaled value still fits
// `integer_bits` integer bits after a left shift of `left_shift`.
int32_t input_radius(int integer_bits, int left_shift, int total_signed_bits = 31);

}  // namespace tinyc::exec::int8_reference
