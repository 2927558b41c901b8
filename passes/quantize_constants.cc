// Constant quantization: weights are brought to channel-major order (the layout
// quantize_weights_per_channel takes), quantized, and put back.
#include "passes/quantize_constants.h"

#include <algorithm>

#include "exec/int8_reference/quant_math.h"
#include "ir/error.h"

namespace tinyc::passes {

namespace {

namespace q = exec::int8_reference;

// The dims before `axis`, the axis, and the dims after it.
struct AxisSplit {
  int64_t outer = 1, channels = 1, inner = 1;
};

AxisSplit split_at(const ir::Shape& s, int64_t axis) {
  AxisSplit a;
  for (int64_t d = 0; d < static_cast<int64_t>(s.size()); ++d) {
    if (d < axis)
      a.outer *= s[d];
    else if (d == axis)
      a.channels = s[d];
    else
      a.inner *= s[d];
  }
  return a;
}

// Index of element (o, c, i) in the original layout and in the channel-major one.
int64_t original_index(const AxisSplit& a, int64_t o, int64_t c, int64_t i) {
  return (o * a.channels + c) * a.inner + i;
}
int64_t channel_major_index(const AxisSplit& a, int64_t o, int64_t c, int64_t i) {
  return (c * a.outer + o) * a.inner + i;
}

}  // namespace

WeightScales parse_weight_scales(const std::string& text, const std::string& what) {
  if (text == "per_channel") return WeightScales::PerChannel;
  if (text == "per_tensor") return WeightScales::PerTensor;
  if (text == "fc_per_tensor") return WeightScales::FcPerTensor;
  throw InputError(what + ": '" + text + "' is not a weight scale choice; use per_channel, per_tensor or fc_per_tensor");
}

bool per_channel_weights(WeightScales scales, const ir::Node& n) {
  switch (scales) {
    case WeightScales::PerChannel: return true;
    case WeightScales::PerTensor: return false;
    case WeightScales::FcPerTensor: return n.op_type != "Gemm" && n.op_type != "MatMul";
  }
  return true;
}

QuantizedConstant quantize_weights(const ir::Tensor& w, int64_t axis, bool per_channel, int bits) {
  const AxisSplit a = split_at(w.shape(), axis);
  const auto values = w.values<float>();
  std::vector<float> major(values.size());
  for (int64_t o = 0; o < a.outer; ++o)
    for (int64_t c = 0; c < a.channels; ++c)
      for (int64_t i = 0; i < a.inner; ++i) major[channel_major_index(a, o, c, i)] = values[original_index(a, o, c, i)];
  const q::SymmetricWeights sw = q::quantize_weights_per_channel(major, per_channel ? a.channels : 1, bits);
  QuantizedConstant out{ir::Tensor(ir::DType::Int8, w.shape()), {}};
  auto data = out.data.mutable_values<int8_t>();
  for (int64_t o = 0; o < a.outer; ++o)
    for (int64_t c = 0; c < a.channels; ++c)
      for (int64_t i = 0; i < a.inner; ++i)
        data[original_index(a, o, c, i)] = sw.values[channel_major_index(a, o, c, i)];
  out.quant.scale = sw.scales;
  out.quant.zero_point.assign(sw.scales.size(), 0);
  out.quant.axis = per_channel ? axis : 0;
  out.quant.bits = bits;
  return out;
}

QuantizedConstant quantize_bias(const ir::Tensor& bias, int64_t channels, float input_scale,
                                const std::vector<float>& weight_scales) {
  const auto values = bias.values<float>();
  std::vector<float> per_channel(static_cast<size_t>(channels));
  for (size_t c = 0; c < per_channel.size(); ++c) per_channel[c] = values[values.size() == 1 ? 0 : c];
  QuantizedConstant out;
  out.data = ir::Tensor::from_vector<int32_t>({channels}, q::quantize_bias(per_channel, input_scale, weight_scales));
  for (float s : weight_scales) out.quant.scale.push_back(input_scale * s);
  out.quant.zero_point.assign(weight_scales.size(), 0);
  return out;
}

QuantizedConstant quantize_per_tensor(const ir::Tensor& c) {
  const auto values = c.values<float>();
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const q::AffineParams p = values.empty() ? q::AffineParams{} : q::choose_asymmetric_params(*lo, *hi);
  QuantizedConstant out{ir::Tensor(ir::DType::Int8, c.shape()), {{p.scale}, {p.zero_point}, 0}};
  auto data = out.data.mutable_values<int8_t>();
  for (size_t i = 0; i < values.size(); ++i) data[i] = q::quantize_value(values[i], p);
  return out;
}

}  // namespace tinyc::passes
