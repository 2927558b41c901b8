// Depthwise convolution as a grouped convolution (see int8_depthwise_conv.h).
#include "exec/int8_reference/int8_depthwise_conv.h"

#include "ir/error.h"

namespace tinyc::exec::int8_reference {

int64_t depth_multiplier(const DepthwiseShape& shape) {
  if (shape.input.size() != 4 || shape.weights.size() != 4 || shape.weights[1] != 1 || shape.input[1] <= 0 ||
      shape.weights[0] % shape.input[1] != 0 || shape.weights[0] == 0)
    throw InputError("DepthwiseConv int8: weights " + ir::shape_to_string(shape.weights) +
                     " must be C*M x 1 x kH x kW for input " + ir::shape_to_string(shape.input));
  return shape.weights[0] / shape.input[1];
}

ConvParams prepare_depthwise_conv(const DepthwiseShape& shape, const ir::QuantParams& input,
                                  const ir::QuantParams& weights, const ir::QuantParams& output,
                                  ActivationBounds activation, bool has_bias) {
  depth_multiplier(shape);
  const ConvShape conv{shape.input, shape.weights, shape.input[1], shape.strides, shape.dilations, shape.pads};
  return prepare_conv(conv, input, weights, output, activation, has_bias);
}

}  // namespace tinyc::exec::int8_reference
