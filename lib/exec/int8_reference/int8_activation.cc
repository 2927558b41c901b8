// int8 Logistic and Tanh (see int8_activation.h).
#include "exec/int8_reference/int8_activation.h"

#include <cmath>

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_reference {

namespace {

// TFLite's Logistic/Tanh prepare: frexp(s_in * 2^27) rounded to 31 bits (a float scale has 24
// significant bits, so the rounding never reaches 2^31), and the saturation radius.
FixedActivationParams prepare_fixed(const ir::QuantParams& input, int64_t count, const std::string& op) {
  const AffineParams in = per_tensor(input, op + " input");
  FixedActivationParams p;
  p.input_zero_point = in.zero_point;
  p.count = count;
  const double real = static_cast<double>(in.scale) * static_cast<double>(1 << (31 - kActivationInputIntegerBits));
  const double fraction = std::frexp(real, &p.input_multiplier.shift);
  if (p.input_multiplier.shift < 0)
    throw InputError(op + " int8: input scale " + std::to_string(in.scale) +
                     " is below 2^-28, which TFLite cannot rescale");
  p.input_multiplier.multiplier = static_cast<int32_t>(std::round(fraction * static_cast<double>(int64_t{1} << 31)));
  p.input_range_radius = input_radius(kActivationInputIntegerBits, p.input_multiplier.shift);
  return p;
}

void require_output(const ir::QuantParams& output, float scale, int32_t zero_point, const std::string& op) {
  const AffineParams out = per_tensor(output, op + " output");
  if (out.scale != scale || out.zero_point != zero_point)
    throw InputError(op + " int8: output must have scale 1/" + std::to_string(static_cast<int>(1.0f / scale)) +
                     " and zero point " + std::to_string(zero_point) + " (TFLite's fixed parameters)");
}

// Writes curve(input rescaled to Q4.27) inside the radius, -128 at or below -radius, 127 at or above.
template <class Curve>
void run_fixed(const FixedActivationParams& p, std::span<const int8_t> input, std::span<int8_t> output, Curve&& curve,
               const char* op) {
  require_count(input.size(), p.count, op, "input");
  require_count(output.size(), p.count, op, "output");
  for (size_t i = 0; i < input.size(); ++i) {
    const int32_t x = static_cast<int32_t>(input[i]) - p.input_zero_point;
    if (x <= -p.input_range_radius) {
      output[i] = static_cast<int8_t>(kInt8Min);
    } else if (x >= p.input_range_radius) {
      output[i] = static_cast<int8_t>(kInt8Max);
    } else {
      output[i] = clamp_to(curve(multiply_by_quantized_multiplier(x, p.input_multiplier)), ActivationRange{});
    }
  }
}

}  // namespace

FixedActivationParams prepare_logistic(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count) {
  require_output(output, 1.0f / 256, kInt8Min, "Logistic");
  return prepare_fixed(input, count, "Logistic");
}

FixedActivationParams prepare_tanh(const ir::QuantParams& input, const ir::QuantParams& output, int64_t count) {
  require_output(output, 1.0f / 128, 0, "Tanh");
  return prepare_fixed(input, count, "Tanh");
}

void logistic_int8(const FixedActivationParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  // Q0.31 -> 1/256 steps: drop 23 bits, then shift by the -128 zero point.
  run_fixed(
      p, input, output,
      [](int32_t q4) {
        return rounding_divide_by_pot(logistic_fixed(q4, kActivationInputIntegerBits), 31 - 8) + kInt8Min;
      },
      "Logistic int8");
}

void tanh_int8(const FixedActivationParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  // Q0.31 -> 1/128 steps: drop 24 bits.
  run_fixed(
      p, input, output,
      [](int32_t q4) { return rounding_divide_by_pot(tanh_fixed(q4, kActivationInputIntegerBits), 31 - 7); },
      "Tanh int8");
}

}  // namespace tinyc::exec::int8_reference
