// int8 grouped convolution (see int8_conv.h).
#include "exec/int8_reference/int8_conv.h"

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_reference {

namespace {

// floor((in + pads - dilated kernel) / stride) + 1, or an InputError when no window fits.
int64_t output_size(int64_t in, int64_t pad_begin, int64_t pad_end, int64_t kernel, int64_t stride, int64_t dilation) {
  const int64_t span = dilation * (kernel - 1) + 1;
  const int64_t room = in + pad_begin + pad_end - span;
  if (room < 0)
    throw InputError("Conv int8: the dilated kernel (" + std::to_string(span) + ") does not fit the padded input (" +
                     std::to_string(in + pad_begin + pad_end) + ")");
  return room / stride + 1;
}

void check_geometry(const ConvShape& s) {
  if (s.input.size() != 4 || s.weights.size() != 4)
    throw InputError("Conv int8: expected a 4-D input (N x C x H x W) and 4-D weights, got " +
                     ir::shape_to_string(s.input) + " and " + ir::shape_to_string(s.weights));
  for (int64_t d : s.input)
    if (d <= 0) throw InputError("Conv int8: input " + ir::shape_to_string(s.input) + " has an empty dim");
  for (int64_t d : s.weights)
    if (d <= 0) throw InputError("Conv int8: weights " + ir::shape_to_string(s.weights) + " have an empty dim");
  if (s.groups < 1 || s.input[1] != s.weights[1] * s.groups || s.weights[0] % s.groups != 0)
    throw InputError("Conv int8: input channels " + std::to_string(s.input[1]) + " and weights " +
                     ir::shape_to_string(s.weights) + " do not fit group " + std::to_string(s.groups));
  for (int64_t v : s.strides)
    if (v < 1) throw InputError("Conv int8: strides must be >= 1");
  for (int64_t v : s.dilations)
    if (v < 1) throw InputError("Conv int8: dilations must be >= 1");
  for (int64_t v : s.pads)
    if (v < 0) throw InputError("Conv int8: pads must be >= 0");
}

}  // namespace

ConvParams prepare_conv(const ConvShape& shape, const ir::QuantParams& input, const ir::QuantParams& weights,
                        const ir::QuantParams& output, ActivationBounds activation, bool has_bias) {
  check_geometry(shape);
  const AffineParams in = per_tensor(input, "Conv input");
  const AffineParams out = per_tensor(output, "Conv output");
  const int64_t out_channels = shape.weights[0];
  const std::vector<float> weight_scales = symmetric_channel_scales(weights, out_channels, "Conv weights");

  ConvParams p;
  p.batch = shape.input[0];
  p.groups = shape.groups;
  p.group_in = shape.weights[1];
  p.group_out = out_channels / shape.groups;
  p.in_h = shape.input[2];
  p.in_w = shape.input[3];
  p.kernel_h = shape.weights[2];
  p.kernel_w = shape.weights[3];
  p.stride_h = shape.strides[0];
  p.stride_w = shape.strides[1];
  p.dilation_h = shape.dilations[0];
  p.dilation_w = shape.dilations[1];
  p.pad_top = shape.pads[0];
  p.pad_left = shape.pads[1];
  p.out_h = output_size(p.in_h, shape.pads[0], shape.pads[2], p.kernel_h, p.stride_h, p.dilation_h);
  p.out_w = output_size(p.in_w, shape.pads[1], shape.pads[3], p.kernel_w, p.stride_w, p.dilation_w);
  p.input_zero_point = in.zero_point;
  p.output_zero_point = out.zero_point;
  p.has_bias = has_bias;
  p.activation = activation_range(activation, out);
  p.multipliers.reserve(weight_scales.size());
  for (float ws : weight_scales)
    p.multipliers.push_back(effective_multiplier(
        static_cast<double>(in.scale) * static_cast<double>(ws) / static_cast<double>(out.scale), "Conv int8"));
  return p;
}

void conv_int8(const ConvParams& p, std::span<const int8_t> input, std::span<const int8_t> weights,
               std::span<const int32_t> bias, std::span<int8_t> output) {
  require_count(input.size(), p.input_count(), "Conv int8", "input");
  require_count(weights.size(), p.weights_count(), "Conv int8", "weights");
  require_count(bias.size(), p.has_bias ? p.out_channels() : 0, "Conv int8", "bias");
  require_count(output.size(), p.output_count(), "Conv int8", "output");
  const int64_t plane = p.in_h * p.in_w;
  const int64_t taps = p.kernel_h * p.kernel_w;
  int8_t* y = output.data();
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t oc = 0; oc < p.out_channels(); ++oc) {
      const int8_t* x_group = input.data() + (n * p.groups + oc / p.group_out) * p.group_in * plane;
      const int8_t* w_channel = weights.data() + oc * p.group_in * taps;
      const QuantizedMultiplier m = p.multipliers[static_cast<size_t>(oc)];
      const int32_t channel_bias = p.has_bias ? bias[static_cast<size_t>(oc)] : 0;
      for (int64_t oy = 0; oy < p.out_h; ++oy) {
        for (int64_t ox = 0; ox < p.out_w; ++ox) {
          const int64_t y0 = oy * p.stride_h - p.pad_top;
          const int64_t x0 = ox * p.stride_w - p.pad_left;
          int64_t acc = 0;
          for (int64_t ic = 0; ic < p.group_in; ++ic) {
            const int8_t* x_plane = x_group + ic * plane;
            const int8_t* w_taps = w_channel + ic * taps;
            for (int64_t ky = 0; ky < p.kernel_h; ++ky) {
              const int64_t iy = y0 + ky * p.dilation_h;
              if (iy < 0 || iy >= p.in_h) continue;
              for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
                const int64_t ix = x0 + kx * p.dilation_w;
                if (ix < 0 || ix >= p.in_w) continue;
                acc += static_cast<int32_t>(w_taps[ky * p.kernel_w + kx]) *
                       (static_cast<int32_t>(x_plane[iy * p.in_w + ix]) - p.input_zero_point);
              }
            }
          }
          // The 64-bit sum reduced mod 2^32 equals TFLite's wrapping int32 accumulation.
          const auto acc32 = static_cast<int32_t>(acc + channel_bias);
          *y++ = clamp_to(multiply_by_quantized_multiplier(acc32, m) + p.output_zero_point, p.activation);
        }
      }
    }
  }
}

}  // namespace tinyc::exec::int8_reference
