// int8 Softmax and LogSoftmax (see int8_softmax.h).
#include "exec/int8_reference/int8_softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_reference {

namespace {

constexpr int32_t kInt32Lowest = std::numeric_limits<int32_t>::min();

// The input difference rescaled to Q5.26: TFLite's MultiplyByQuantizedMultiplierGreaterThanOne.
int32_t rescale_difference(int32_t diff, QuantizedMultiplier m) {
  const auto shifted = static_cast<int32_t>(static_cast<int64_t>(diff) * (int64_t{1} << m.shift));
  return saturating_rounding_doubling_high_mul(shifted, m.multiplier);
}

// exp(diff) for a difference from the row maximum, in Q0.31.
int32_t exp_of_difference(int32_t diff, QuantizedMultiplier m) {
  return exp_on_negative_values(rescale_difference(diff, m), kSoftmaxDiffIntegerBits);
}

// The Q12.19 sum of the row's exponentials (the differences at or above diff_min), in 64 bits.
int64_t sum_of_exps(std::span<const int8_t> row, int32_t row_max, const SoftmaxParams& p) {
  int64_t sum = 0;
  for (int8_t q : row) {
    const int32_t diff = q - row_max;
    if (diff >= p.diff_min) sum += rounding_divide_by_pot(exp_of_difference(diff, p.input_multiplier), kSoftmaxSumIntegerBits);
  }
  return sum;
}

// The rows of `shape` (its last axis normalized) and the input rescaling by beta * s_in; `op` names
// the op in errors.
SoftmaxParams softmax_rows(const ir::Shape& shape, float input_scale, double beta, const std::string& op) {
  if (shape.empty() || shape.back() <= 0)
    throw InputError(op + " int8: input " + ir::shape_to_string(shape) + " has no last axis to normalize");
  SoftmaxParams p;
  p.depth = shape.back();
  p.rows = ir::num_elements(shape) / p.depth;
  p.input_multiplier = softmax_input_multiplier(beta, static_cast<double>(input_scale), kSoftmaxDiffIntegerBits);
  p.diff_min = -input_radius(kSoftmaxDiffIntegerBits, p.input_multiplier.shift);
  return p;
}

}  // namespace

QuantizedMultiplier softmax_input_multiplier(double beta, double input_scale, int integer_bits) {
  const double max_real = static_cast<double>((int64_t{1} << 31) - 1);
  const double real = std::min(beta * input_scale * static_cast<double>(int64_t{1} << (31 - integer_bits)), max_real);
  if (!(real > 1.0))
    throw InputError("Softmax int8: beta * input scale * 2^" + std::to_string(31 - integer_bits) + " = " +
                     std::to_string(real) + " must exceed 1; the input scale is too small");
  return quantize_multiplier(real);
}

SoftmaxParams prepare_softmax(const ir::Shape& shape, const ir::QuantParams& input_q, const ir::QuantParams& output_q,
                              float beta) {
  const AffineParams in = per_tensor(input_q, "Softmax input");
  const AffineParams out = per_tensor(output_q, "Softmax output");
  if (out.scale != 1.0f / 256 || out.zero_point != kInt8Min)
    throw InputError("Softmax int8: output must have scale 1/256 and zero point -128 (TFLite's fixed parameters)");
  if (!std::isfinite(beta) || beta <= 0.0f) throw InputError("Softmax int8: beta must be finite and > 0");
  return softmax_rows(shape, in.scale, static_cast<double>(beta), "Softmax");
}

void softmax_int8(const SoftmaxParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  require_count(input.size(), p.rows * p.depth, "Softmax int8", "input");
  require_count(output.size(), p.rows * p.depth, "Softmax int8", "output");
  const auto depth = static_cast<size_t>(p.depth);
  for (int64_t r = 0; r < p.rows; ++r) {
    const auto x = input.subspan(static_cast<size_t>(r) * depth, depth);
    const auto y = output.subspan(static_cast<size_t>(r) * depth, depth);
    const int32_t row_max = *std::max_element(x.begin(), x.end());
    const int64_t sum = sum_of_exps(x, row_max, p);
    // Outputs are scaled by 2^-exponent; past 2^-31 (a sum of 512 or more) every output is 0.0.
    if (sum >= (int64_t{1} << 28)) {
      std::fill(y.begin(), y.end(), static_cast<int8_t>(kInt8Min));
      continue;
    }
    int bits_over_unit = 0;
    const int32_t reciprocal = reciprocal_fixed(static_cast<int32_t>(sum), kSoftmaxSumIntegerBits, bits_over_unit);
    const int exponent = bits_over_unit + 31 - 8;
    for (size_t c = 0; c < depth; ++c) {
      const int32_t diff = x[c] - row_max;
      if (diff < p.diff_min) {
        y[c] = static_cast<int8_t>(kInt8Min);
        continue;
      }
      const int32_t scaled = rounding_divide_by_pot(
          saturating_rounding_doubling_high_mul(reciprocal, exp_of_difference(diff, p.input_multiplier)), exponent);
      y[c] = clamp_to(scaled + kInt8Min, ActivationRange{});
    }
  }
}

LogSoftmaxParams prepare_log_softmax(const ir::Shape& shape, const ir::QuantParams& input_q,
                                     const ir::QuantParams& output_q) {
  const AffineParams in = per_tensor(input_q, "LogSoftmax input");
  const AffineParams out = per_tensor(output_q, "LogSoftmax output");
  if (out.scale != 16.0f / 256 || out.zero_point != kInt8Max)
    throw InputError("LogSoftmax int8: output must have scale 16/256 and zero point 127 (TFLite's fixed parameters)");
  LogSoftmaxParams p{softmax_rows(shape, in.scale, 1.0, "LogSoftmax"), {}};
  // TFLite's PreprocessLogSoftmaxScalingExp: 2^(31 - left shift) / multiplier, below one.
  const double reverse = static_cast<double>(int64_t{1} << (31 - p.input_multiplier.shift)) /
                         static_cast<double>(p.input_multiplier.multiplier);
  p.reverse_scaling = multiplier_smaller_than_one(reverse, "LogSoftmax int8 reverse scaling");
  return p;
}

void log_softmax_int8(const LogSoftmaxParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  require_count(input.size(), p.rows * p.depth, "LogSoftmax int8", "input");
  require_count(output.size(), p.rows * p.depth, "LogSoftmax int8", "output");
  constexpr int kOutputIntegerBits = 4;
  const auto depth = static_cast<size_t>(p.depth);
  for (int64_t r = 0; r < p.rows; ++r) {
    const auto x = input.subspan(static_cast<size_t>(r) * depth, depth);
    const auto y = output.subspan(static_cast<size_t>(r) * depth, depth);
    const int32_t row_max = *std::max_element(x.begin(), x.end());
    // TFLite adds in int32; the low 32 bits of the 64-bit sum are that sum.
    const auto sum = static_cast<int32_t>(sum_of_exps(x, row_max, p));
    const int32_t log_sum = log_fixed(sum, kSoftmaxSumIntegerBits, kSoftmaxDiffIntegerBits);  // Q5.26
    const int32_t cut = std::max(p.diff_min - 1, multiply_by_quantized_multiplier(log_sum + kInt32Lowest, p.reverse_scaling));
    for (size_t c = 0; c < depth; ++c) {
      const int32_t diff = x[c] - row_max;
      if (diff <= cut) {
        y[c] = static_cast<int8_t>(kInt8Min);
        continue;
      }
      const int32_t shifted = static_cast<int32_t>(
          static_cast<uint32_t>(rescale_difference(diff, p.input_multiplier)) - static_cast<uint32_t>(log_sum));
      const int32_t value = rounding_divide_by_pot(shifted, 31 - kSoftmaxDiffIntegerBits - kOutputIntegerBits) + kInt8Max;
      y[c] = clamp_to(value, ActivationRange{});
    }
  }
}

}  // namespace tinyc::exec::int8_reference
