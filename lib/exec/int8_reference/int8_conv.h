// int8 2-D convolution (grouped, per-channel weights) in tinyc's NCHW layout, with TFLite's
// per-channel requantization. Integer sums do not depend on the order of their terms, so computing
// over NCHW gives exactly what TFLite Micro's NHWC ConvPerChannel gives.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "exec/int8_reference/quant_math.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// The geometry of a Conv node: input N x C x H x W, weights O x C/groups x kH x kW.
struct ConvShape {
  ir::Shape input;
  ir::Shape weights;
  int64_t groups = 1;
  std::array<int64_t, 2> strides{1, 1};
  std::array<int64_t, 2> dilations{1, 1};
  std::array<int64_t, 4> pads{0, 0, 0, 0};  // ONNX order: top, left, bottom, right
};

// Everything eval needs, computed once by prepare_conv.
struct ConvParams {
  int64_t batch = 0, groups = 1, group_in = 0, group_out = 0;
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0, kernel_h = 0, kernel_w = 0;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1, pad_top = 0, pad_left = 0;
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  std::vector<QuantizedMultiplier> multipliers;  // per output channel: s_in * s_w[c] / s_out
  ActivationRange activation;
  bool has_bias = false;

  int64_t out_channels() const { return groups * group_out; }
  int64_t input_count() const { return batch * groups * group_in * in_h * in_w; }
  int64_t weights_count() const { return out_channels() * group_in * kernel_h * kernel_w; }
  int64_t output_count() const { return batch * out_channels() * out_h * out_w; }
  ir::Shape output_shape() const { return {batch, out_channels(), out_h, out_w}; }
};

// Checks the geometry and parameters (InputError naming the problem) and precomputes the
// per-channel multipliers as TFLite's PopulateConvolutionQuantizationParams does: in double,
// s_in * s_w[c] / s_out, a per-tensor weight scale broadcast to every channel. Weights must be
// symmetric; the int32 bias (optional) is at scale s_in * s_w[c].
ConvParams prepare_conv(const ConvShape& shape, const ir::QuantParams& input, const ir::QuantParams& weights,
                        const ir::QuantParams& output, ActivationBounds activation, bool has_bias);

// Accumulator: sum of w * (x - z_in) over group_in * kH * kW in-bounds taps plus the bias, in 32-bit
// two's-complement arithmetic like TFLite. Each term is at most 127 * 255 = 32385 in magnitude, so
// no wrap happens below 2^16 taps with a moderate bias. `bias` is empty when has_bias is false.
void conv_int8(const ConvParams& p, std::span<const int8_t> input, std::span<const int8_t> weights,
               std::span<const int32_t> bias, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
