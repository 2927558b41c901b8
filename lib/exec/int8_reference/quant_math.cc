// Affine parameters, multiplier quantization and activation clamps (see quant_math.h).
#include "exec/int8_reference/quant_math.h"

#include <algorithm>
#include <cmath>

#include "ir/error.h"

namespace tinyc::exec::int8_reference {

namespace {

bool valid_scale(float s) { return std::isfinite(s) && s > 0.0f; }

std::string scale_text(float s) { return std::to_string(s); }

// zero_point + round(f / scale) as TFLite's activation-range Quantize; InputError past int32.
int32_t quantize_bound(float f, AffineParams p) {
  const float rounded = std::round(f / p.scale);
  if (!(std::fabs(rounded) <= 2147483520.0f))
    throw InputError("activation bound " + std::to_string(f) + " overflows int32 at output scale " +
                     scale_text(p.scale) + "; check the output quantization parameters");
  const int64_t q = p.zero_point + static_cast<int64_t>(rounded);
  return static_cast<int32_t>(std::clamp<int64_t>(q, kInt8Min, kInt8Max));
}

}  // namespace

AffineParams per_tensor(const ir::QuantParams& qp, const std::string& what) {
  if (qp.scale.size() != 1 || qp.zero_point.size() != 1)
    throw InputError(what + ": expected per-tensor quantization (one scale and zero point), got " +
                     std::to_string(qp.scale.size()) + " scales; requantize it per tensor");
  if (!valid_scale(qp.scale[0]))
    throw InputError(what + ": scale must be finite and > 0, got " + scale_text(qp.scale[0]) +
                     "; recalibrate the model");
  if (qp.zero_point[0] < kInt8Min || qp.zero_point[0] > kInt8Max)
    throw InputError(what + ": int8 zero point must be in [-128, 127], got " + std::to_string(qp.zero_point[0]));
  return {qp.scale[0], static_cast<int32_t>(qp.zero_point[0])};
}

std::vector<float> symmetric_channel_scales(const ir::QuantParams& qp, int64_t channels, const std::string& what) {
  const auto n = static_cast<int64_t>(qp.scale.size());
  if (n != 1 && n != channels)
    throw InputError(what + ": " + std::to_string(n) + " scales for " + std::to_string(channels) +
                     " output channels; quantize per tensor or per output channel");
  if (n > 1 && qp.axis != 0)
    throw InputError(what + ": per-channel scales must run along axis 0 (output channels), got axis " +
                     std::to_string(qp.axis));
  if (qp.zero_point.size() != qp.scale.size())
    throw InputError(what + ": " + std::to_string(qp.zero_point.size()) + " zero points for " + std::to_string(n) +
                     " scales");
  for (int64_t zp : qp.zero_point)
    if (zp != 0)
      throw InputError(what + ": weights must be symmetric (zero point 0), got " + std::to_string(zp) +
                       "; requantize the weights symmetrically");
  for (float s : qp.scale)
    if (!valid_scale(s)) throw InputError(what + ": scale must be finite and > 0, got " + scale_text(s));
  if (n == channels) return qp.scale;
  return std::vector<float>(static_cast<size_t>(channels), qp.scale[0]);
}

AffineParams choose_asymmetric_params(float min, float max) {
  if (!std::isfinite(min) || !std::isfinite(max) || min > max)
    throw InputError("calibration range [" + std::to_string(min) + ", " + std::to_string(max) +
                     "] is not a finite interval; recalibrate with finite activations");
  const double rmin = std::min(static_cast<double>(min), 0.0);
  const double rmax = std::max(static_cast<double>(max), 0.0);
  if (rmax - rmin < std::numeric_limits<double>::epsilon()) return {1.0f, kInt8Min};
  const double qmin = kInt8Min, qmax = kInt8Max;
  const double scale = (rmax - rmin) / (qmax - qmin);
  const double from_min = qmin - rmin / scale;
  const double from_max = qmax - rmax / scale;
  const double error_min = std::fabs(qmin) + std::fabs(rmin / scale);
  const double error_max = std::fabs(qmax) + std::fabs(rmax / scale);
  const double zero_point = error_min < error_max ? from_min : from_max;
  const double nudged = zero_point < qmin ? qmin : zero_point > qmax ? qmax : std::round(zero_point);
  return {static_cast<float>(scale), static_cast<int32_t>(nudged)};
}

SymmetricWeights quantize_weights_per_channel(std::span<const float> weights, int64_t channels, int bits) {
  if (channels <= 0 || weights.size() % static_cast<size_t>(channels) != 0)
    throw InternalError("quantize_weights_per_channel: " + std::to_string(weights.size()) +
                        " weights do not split into " + std::to_string(channels) + " channels");
  const size_t per_channel = weights.size() / static_cast<size_t>(channels);
  const auto level = static_cast<float>(weight_max(bits));
  SymmetricWeights out;
  out.values.resize(weights.size());
  out.scales.resize(static_cast<size_t>(channels));
  for (size_t c = 0; c < out.scales.size(); ++c) {
    const auto channel = weights.subspan(c * per_channel, per_channel);
    float max_abs = 0.0f;
    for (float w : channel) {
      if (!std::isfinite(w)) throw InputError("weight value " + std::to_string(w) + " is not finite");
      max_abs = std::max(max_abs, std::fabs(w));
    }
    // A channel of zeros, or of values so small that max_abs / level underflows to 0, is all zeros at scale 1.
    const float fitted = max_abs / level;
    const float scale = fitted > 0.0f ? fitted : 1.0f;
    out.scales[c] = scale;
    for (size_t i = 0; i < per_channel; ++i) {
      const float q =
          std::clamp(std::round(channel[i] / scale), -level, level);
      out.values[c * per_channel + i] = static_cast<int8_t>(q);
    }
  }
  return out;
}

std::vector<int32_t> quantize_bias(std::span<const float> bias, float input_scale,
                                   std::span<const float> weight_scales) {
  if (weight_scales.size() != 1 && weight_scales.size() != bias.size())
    throw InternalError("quantize_bias: " + std::to_string(weight_scales.size()) + " weight scales for " +
                        std::to_string(bias.size()) + " biases");
  constexpr double kLimit = std::numeric_limits<int32_t>::max();
  std::vector<int32_t> out(bias.size());
  for (size_t i = 0; i < bias.size(); ++i) {
    const float scale = input_scale * weight_scales[weight_scales.size() == 1 ? 0 : i];
    if (!valid_scale(scale))
      throw InputError("bias scale input_scale * weight_scale = " + scale_text(scale) + " is not finite and > 0");
    const double q = std::round(static_cast<double>(bias[i]) / static_cast<double>(scale));
    if (std::isnan(q)) throw InputError("bias value is not a number");
    out[i] = static_cast<int32_t>(std::clamp(q, -kLimit, kLimit));
  }
  return out;
}

int8_t quantize_value(float x, AffineParams p) {
  float rounded = std::round(x / p.scale);
  if (std::isnan(rounded)) rounded = 0.0f;
  // Beyond +-512 every zero point clamps to the same end, so the int conversion stays defined.
  rounded = std::clamp(rounded, -512.0f, 512.0f);
  const int32_t q = static_cast<int32_t>(rounded) + p.zero_point;
  return static_cast<int8_t>(std::clamp(q, kInt8Min, kInt8Max));
}

QuantizedMultiplier quantize_multiplier(double m) {
  if (!std::isfinite(m)) throw InternalError("quantize_multiplier: multiplier " + std::to_string(m) + " is not finite");
  if (m == 0.0) return {};
  int shift = 0;
  const double fraction = std::frexp(m, &shift);
  auto fixed = static_cast<int64_t>(std::round(fraction * static_cast<double>(int64_t{1} << 31)));
  if (fixed == (int64_t{1} << 31)) {
    fixed /= 2;
    ++shift;
  }
  if (shift < -31) return {};
  return {static_cast<int32_t>(fixed), shift};
}

QuantizedMultiplier effective_multiplier(double m, const std::string& what) {
  if (!std::isfinite(m) || m < 0.0)
    throw InputError(what + ": effective scale " + std::to_string(m) + " is not finite and >= 0; check the scales");
  const QuantizedMultiplier q = quantize_multiplier(m);
  if (q.shift > 30)
    throw InputError(what + ": effective scale " + std::to_string(m) +
                     " is too large for a 32-bit multiplier (>= 2^30); check the scales");
  return q;
}

QuantizedMultiplier multiplier_smaller_than_one(double m, const std::string& what) {
  if (!(m > 0.0 && m < 1.0))
    throw InputError(what + ": rescale factor " + std::to_string(m) + " must be in (0, 1); check the scales");
  const QuantizedMultiplier q = quantize_multiplier(m);
  if (q.shift > 0) throw InputError(what + ": rescale factor " + std::to_string(m) + " rounds to 1; check the scales");
  return q;
}

ActivationRange activation_range(ActivationBounds bounds, AffineParams output) {
  ActivationRange r;
  if (std::isnan(bounds.min) || std::isnan(bounds.max)) throw InputError("activation bounds must not be NaN");
  if (std::isfinite(bounds.min)) r.min = quantize_bound(bounds.min, output);
  if (std::isfinite(bounds.max)) r.max = quantize_bound(bounds.max, output);
  return r;
}

}  // namespace tinyc::exec::int8_reference
