// int8 FullyConnected (see int8_fully_connected.h).
#include "exec/int8_reference/int8_fully_connected.h"

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_reference {

FullyConnectedParams prepare_fully_connected(const ir::Shape& input, const ir::Shape& weights,
                                             const ir::QuantParams& input_q, const ir::QuantParams& weights_q,
                                             const ir::QuantParams& output_q, ActivationBounds activation,
                                             bool has_bias) {
  if (weights.size() != 2 || weights[0] <= 0 || weights[1] <= 0)
    throw InputError("FullyConnected int8: weights must be units x K, got " + ir::shape_to_string(weights));
  const int64_t count = ir::num_elements(input);
  if (count == 0 || count % weights[1] != 0)
    throw InputError("FullyConnected int8: input " + ir::shape_to_string(input) +
                     " does not flatten to rows of K = " + std::to_string(weights[1]));
  const AffineParams in = per_tensor(input_q, "FullyConnected input");
  const AffineParams out = per_tensor(output_q, "FullyConnected output");

  FullyConnectedParams p;
  p.batch = count / weights[1];
  p.depth = weights[1];
  p.units = weights[0];
  p.input_zero_point = in.zero_point;
  p.output_zero_point = out.zero_point;
  p.activation = activation_range(activation, out);
  p.has_bias = has_bias;
  if (weights_q.scale.size() == 1) {
    const AffineParams w = per_tensor(weights_q, "FullyConnected weights");
    p.weights_zero_point = w.zero_point;
    const float product = in.scale * w.scale;  // TFLite multiplies the two float scales in float
    p.multipliers.push_back(
        effective_multiplier(static_cast<double>(product) / static_cast<double>(out.scale), "FullyConnected int8"));
  } else {
    for (float ws : symmetric_channel_scales(weights_q, p.units, "FullyConnected weights"))
      p.multipliers.push_back(
          effective_multiplier(static_cast<double>(in.scale) * static_cast<double>(ws) / static_cast<double>(out.scale),
                               "FullyConnected int8"));
  }
  return p;
}

void fully_connected_int8(const FullyConnectedParams& p, std::span<const int8_t> input, std::span<const int8_t> weights,
                          std::span<const int32_t> bias, std::span<int8_t> output) {
  require_count(input.size(), p.batch * p.depth, "FullyConnected int8", "input");
  require_count(weights.size(), p.units * p.depth, "FullyConnected int8", "weights");
  require_count(bias.size(), p.has_bias ? p.units : 0, "FullyConnected int8", "bias");
  require_count(output.size(), p.batch * p.units, "FullyConnected int8", "output");
  for (int64_t b = 0; b < p.batch; ++b) {
    const int8_t* x = input.data() + b * p.depth;
    for (int64_t u = 0; u < p.units; ++u) {
      const int8_t* w = weights.data() + u * p.depth;
      int64_t acc = 0;
      for (int64_t k = 0; k < p.depth; ++k)
        acc += (static_cast<int32_t>(w[k]) - p.weights_zero_point) * (static_cast<int32_t>(x[k]) - p.input_zero_point);
      if (p.has_bias) acc += bias[static_cast<size_t>(u)];
      const auto acc32 = static_cast<int32_t>(acc);  // TFLite's wrapping int32 accumulator
      output[static_cast<size_t>(b * p.units + u)] =
          clamp_to(multiply_by_quantized_multiplier(acc32, p.multiplier(u)) + p.output_zero_point, p.activation);
    }
  }
}

}  // namespace tinyc::exec::int8_reference
