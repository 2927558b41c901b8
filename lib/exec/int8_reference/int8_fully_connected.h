// int8 FullyConnected (y = x W^T + b) with per-tensor or per-channel weights, as TFLite Micro's
// FullyConnected and FullyConnectedPerChannel reference kernels.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "exec/int8_reference/quant_math.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// Everything eval needs, computed once by prepare_fully_connected.
struct FullyConnectedParams {
  int64_t batch = 0;
  int64_t depth = 0;  // accumulation depth K
  int64_t units = 0;
  int32_t input_zero_point = 0;
  int32_t weights_zero_point = 0;  // per-tensor weights only; per-channel weights are symmetric
  int32_t output_zero_point = 0;
  std::vector<QuantizedMultiplier> multipliers;  // one (per tensor) or one per unit
  ActivationRange activation;
  bool has_bias = false;

  QuantizedMultiplier multiplier(int64_t unit) const {
    return multipliers[multipliers.size() == 1 ? 0 : static_cast<size_t>(unit)];
  }
};

// `input` is flattened to batch x K (K = weights' second dim, TFLite's flattening), `weights` is
// units x K. One weight scale selects TFLite's per-tensor path: multiplier from the float product
// s_in * s_w widened to double and divided by s_out, and the weight zero point is honoured. One
// scale per unit selects the per-channel path: double(s_in) * double(s_w[u]) / double(s_out),
// symmetric weights. The int32 bias (optional) is at scale s_in * s_w.
FullyConnectedParams prepare_fully_connected(const ir::Shape& input, const ir::Shape& weights,
                                             const ir::QuantParams& input_q, const ir::QuantParams& weights_q,
                                             const ir::QuantParams& output_q, ActivationBounds activation,
                                             bool has_bias);

// Accumulator: sum over K of (w - z_w) * (x - z_in) plus bias, 32-bit two's-complement like TFLite;
// each term is at most 255 * 255 in magnitude, so no wrap below 2^15 terms with a moderate bias.
void fully_connected_int8(const FullyConnectedParams& p, std::span<const int8_t> input, std::span<const int8_t> weights,
                          std::span<const int32_t> bias, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
