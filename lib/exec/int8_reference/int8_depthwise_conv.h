// int8 depthwise convolution with a depth multiplier, as TFLite Micro's DepthwiseConvPerChannel
// computes it. In tinyc's NCHW layout a depthwise conv is a grouped conv with one group per input
// channel (weights C*M x 1 x kH x kW, output channel c*M + m reads input channel c, the same
// channel order as TFLite's), so the arithmetic is conv_int8's.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "exec/int8_reference/int8_conv.h"

namespace tinyc::exec::int8_reference {

// Input N x C x H x W, weights C*M x 1 x kH x kW (M = depth multiplier).
struct DepthwiseShape {
  ir::Shape input;
  ir::Shape weights;
  std::array<int64_t, 2> strides{1, 1};
  std::array<int64_t, 2> dilations{1, 1};
  std::array<int64_t, 4> pads{0, 0, 0, 0};  // top, left, bottom, right
};

// The depth multiplier M of a depthwise geometry; InputError when the weights are not C*M x 1 x kH x kW.
int64_t depth_multiplier(const DepthwiseShape& shape);

// prepare_conv with groups = C after checking the depthwise weight layout.
ConvParams prepare_depthwise_conv(const DepthwiseShape& shape, const ir::QuantParams& input,
                                  const ir::QuantParams& weights, const ir::QuantParams& output,
                                  ActivationBounds activation, bool has_bias);

// Accumulator bounds as conv_int8 with group_in = 1: kH * kW terms of at most 32385.
inline void depthwise_conv_int8(const ConvParams& p, std::span<const int8_t> input, std::span<const int8_t> weights,
                                std::span<const int32_t> bias, std::span<int8_t> output) {
  conv_int8(p, input, weights, bias, output);
}

}  // namespace tinyc::exec::int8_reference
