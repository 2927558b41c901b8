// int8 HardSwish, TFLM's reference arithmetic (int16 fixed point with gemmlowp's rounding).
#include "exec/int8_reference/int8_hard_swish.h"

#include <algorithm>
#include <limits>

#include "ir/error.h"

namespace tinyc::exec::int8_reference {

namespace {

constexpr int32_t kInt16Min = std::numeric_limits<int16_t>::min();
constexpr int32_t kInt16Max = std::numeric_limits<int16_t>::max();

// A Q31 multiplier rounded to Q15, saturating at the top (TFLite's DownScaleInt32ToInt16Multiplier).
int16_t to_q15(int32_t multiplier) {
  constexpr int32_t kRounding = 1 << 15;
  if (multiplier >= std::numeric_limits<int32_t>::max() - kRounding) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((multiplier + kRounding) >> 16);
}

int16_t saturating_left_shift(int16_t v, int amount) {
  return static_cast<int16_t>(std::clamp<int64_t>(static_cast<int64_t>(v) * (int64_t{1} << amount), kInt16Min, kInt16Max));
}

// gemmlowp's int16 SaturatingRoundingDoublingHighMul: round(a * b / 2^15), ties away from zero.
int16_t rounding_doubling_high_mul(int16_t a, int16_t b) {
  if (a == b && a == kInt16Min) return kInt16Max;
  const int32_t ab = int32_t{a} * int32_t{b};
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// TFLite's SaturatingDoublingHighMul for int16: a * b / 2^15 truncated toward zero.
int16_t truncating_doubling_high_mul(int16_t a, int16_t b) {
  if (a == b && a == kInt16Min) return kInt16Max;
  return static_cast<int16_t>((int32_t{a} * int32_t{b}) / (1 << 15));
}

}  // namespace

HardSwishParams prepare_hard_swish(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count) {
  const AffineParams in = per_tensor(input, "input");
  const AffineParams out = per_tensor(output, "output");
  HardSwishParams p;
  p.input_zero_point = in.zero_point;
  p.output_zero_point = out.zero_point;
  p.count = count;
  // TFLM forms the ratios in float, then widens them to double.
  const float hires_input_scale = (1.0f / 128.0f) * in.scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const QuantizedMultiplier output_m = quantize_multiplier(static_cast<double>(hires_input_scale / out.scale));
  if (output_m.shift > 0)
    throw InputError("int8 HardSwish needs an output scale above the input scale / 128 (TFLite Micro refuses it)");
  p.output_multiplier = to_q15(output_m.multiplier);
  p.output_exponent = output_m.shift;
  const QuantizedMultiplier reluish_m = quantize_multiplier(static_cast<double>(hires_input_scale / reluish_scale));
  p.reluish_multiplier = to_q15(reluish_m.multiplier);
  p.reluish_exponent = reluish_m.shift;
  return p;
}

void hard_swish_int8(const HardSwishParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  for (size_t i = 0; i < input.size(); ++i) {
    const auto x = static_cast<int16_t>(input[i] - p.input_zero_point);
    const auto hires = static_cast<int16_t>(x * (1 << 7));
    const int16_t preshift_output = rounding_doubling_high_mul(hires, p.output_multiplier);
    int16_t reluish = hires;
    if (p.reluish_exponent > 0) reluish = saturating_left_shift(reluish, p.reluish_exponent - 1);
    reluish = rounding_doubling_high_mul(reluish, p.reluish_multiplier);
    if (p.reluish_exponent > 0) reluish = saturating_left_shift(reluish, 1);
    if (p.reluish_exponent < 0) reluish = static_cast<int16_t>(rounding_divide_by_pot(reluish, -p.reluish_exponent));
    reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);
    const int16_t product = truncating_doubling_high_mul(reluish, preshift_output);
    const int32_t y = rounding_divide_by_pot(product, -p.output_exponent) + p.output_zero_point;
    output[i] = static_cast<int8_t>(std::clamp(y, kInt8Min, kInt8Max));
  }
}

}  // namespace tinyc::exec::int8_reference
