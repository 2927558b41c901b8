// Conv -> CONV_2D (weights OHWI) or DEPTHWISE_CONV_2D (weights 1HWC, group = input channels), and
// MaxPool / AveragePool -> MAX_POOL_2D / AVERAGE_POOL_2D; pads that are neither SAME nor VALID
// become an explicit PAD in front where that keeps the op's meaning.
#include <vector>

#include "formats/tflite/activation.h"
#include "formats/tflite/layout.h"
#include "formats/tflite/lowering.h"
#include "formats/tflite/window_padding.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

// PAD (fill = the zero point, i.e. 0.0) in front of a window op; returns the padded NHWC tensor.
int32_t pad_in_front(LoweringContext& ctx, const ir::Node& node, const ir::Value* x, const WindowPlan& plan) {
  const int32_t source = ctx.input(x).index;
  ir::Shape padded = ctx.tflite_shape(source);
  padded[1] += plan.pad_begin[0] + plan.pad_end[0];
  padded[2] += plan.pad_begin[1] + plan.pad_end[1];
  const std::vector<int32_t> rows = {0, 0,
                                     static_cast<int32_t>(plan.pad_begin[0]), static_cast<int32_t>(plan.pad_end[0]),
                                     static_cast<int32_t>(plan.pad_begin[1]), static_cast<int32_t>(plan.pad_end[1]),
                                     0, 0};
  const int32_t paddings = ctx.constant(node.name + "/paddings", ir::Tensor::from_vector<int32_t>({4, 2}, rows));
  const int32_t out = ctx.intermediate(node.name + "/padded", x->dtype, padded, x->quant);
  fb::BuiltinOptionsUnion options;
  options.Set(fb::PadOptionsT{});
  ctx.add_op(fb::BuiltinOperator::PAD, {source, paddings}, {out}, std::move(options));
  return out;
}

int32_t window_input(LoweringContext& ctx, const ir::Node& node, const ir::Value* x, const WindowPlan& plan) {
  return plan.explicit_pad ? pad_in_front(ctx, node, x, plan) : ctx.input(x).index;
}

void require_int8_weights(const ir::Node& node, const ir::Tensor& weights, const ir::QuantParams& q) {
  if (weights.dtype() != ir::DType::Int8)
    throw InputError(describe(node) + ": weights must be int8, got " + std::string(ir::dtype_name(weights.dtype())));
  if (q.per_channel() && q.axis != 0)
    throw InputError(describe(node) + ": per-channel weight scales must run along the output channels (axis 0), got axis " +
                     std::to_string(q.axis));
}

}  // namespace

void lower_conv(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* x = node.input(0);
  const ir::Value* w = node.input(1);
  const ir::Value* y = node.output(0);
  const ir::Shape& xs = shape_of(node, x);
  const ir::Tensor& weights = constant_of(node, w, "weight");
  if (xs.size() != 4 || weights.shape().size() != 4)
    throw InputError(describe(node) + ": TFLite runs 2-D convolutions only (input " + ir::shape_to_string(xs) + ")");
  const ir::QuantParams& wq = quant_of(node, w);
  require_int8_weights(node, weights, wq);
  const int64_t group = node.attr_int("group", 1);
  const int64_t in_channels = xs[1];
  const int64_t out_channels = weights.shape()[0];
  const bool depthwise = group > 1 && group == in_channels && weights.shape()[1] == 1;
  if (group != 1 && !depthwise)
    throw InputError(describe(node) + ": group " + std::to_string(group) + " is neither 1 nor the input channel count " +
                     std::to_string(in_channels) + "; TFLite has no grouped int8 convolution");

  const WindowPlan plan = plan_window(node, xs, {weights.shape()[2], weights.shape()[3]}, shape_of(node, y),
                                      /*ceil_mode=*/false, /*same_allowed=*/true);
  const int32_t input = window_input(ctx, node, x, plan);
  const int32_t filter = depthwise ? ctx.constant(w->name, depthwise_weights_to_1hwc(weights), wq, 3)
                                   : ctx.constant(w->name, conv_weights_to_ohwi(weights), wq, 0);
  const int32_t bias = bias_tensor(ctx, node, node.input(2), quant_of(node, x), wq, out_channels);
  const fb::ActivationFunctionType activation = fused_activation(node);
  const int32_t output = ctx.define(y);

  fb::BuiltinOptionsUnion options;
  if (depthwise) {
    fb::DepthwiseConv2DOptionsT o;
    o.padding = plan.padding;
    o.stride_h = static_cast<int32_t>(plan.strides[0]);
    o.stride_w = static_cast<int32_t>(plan.strides[1]);
    o.depth_multiplier = static_cast<int32_t>(out_channels / in_channels);
    o.fused_activation_function = activation;
    o.dilation_h_factor = static_cast<int32_t>(plan.dilations[0]);
    o.dilation_w_factor = static_cast<int32_t>(plan.dilations[1]);
    options.Set(std::move(o));
    ctx.add_op(fb::BuiltinOperator::DEPTHWISE_CONV_2D, {input, filter, bias}, {output}, std::move(options));
    return;
  }
  fb::Conv2DOptionsT o;
  o.padding = plan.padding;
  o.stride_h = static_cast<int32_t>(plan.strides[0]);
  o.stride_w = static_cast<int32_t>(plan.strides[1]);
  o.fused_activation_function = activation;
  o.dilation_h_factor = static_cast<int32_t>(plan.dilations[0]);
  o.dilation_w_factor = static_cast<int32_t>(plan.dilations[1]);
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::CONV_2D, {input, filter, bias}, {output}, std::move(options));
}

void lower_pool(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* x = node.input(0);
  const ir::Value* y = node.output(0);
  const bool max = node.op_type == "MaxPool";
  const std::vector<int64_t> kernel = node.attr_ints("kernel_shape", {});
  if (kernel.size() != 2) throw InputError(describe(node) + ": TFLite runs 2-D pools only (kernel_shape with 2 dims)");
  for (int64_t d : node.attr_ints("dilations", {1, 1}))
    if (d != 1) throw InputError(describe(node) + ": TFLite pools have no dilation");
  if (max && (node.attr_int("storage_order", 0) != 0 || node.output(1)))
    throw InputError(describe(node) + ": TFLite's MAX_POOL_2D has no indices output or column-major storage order");
  const bool padding_counts = !max && node.attr_int("count_include_pad", 0) != 0;
  const WindowPlan plan = plan_window(node, shape_of(node, x), {kernel[0], kernel[1]}, shape_of(node, y),
                                      node.attr_int("ceil_mode", 0) != 0, /*same_allowed=*/!padding_counts);
  if (plan.explicit_pad && !padding_counts)
    throw InputError(describe(node) + ": its pads are neither TFLite's SAME nor VALID, and a " +
                     (max ? "max pool" : "average pool that leaves padding out of the count") +
                     " cannot take an explicit PAD in front; re-export the model with symmetric or zero pads");
  const int32_t input = window_input(ctx, node, x, plan);
  fb::Pool2DOptionsT o;
  o.padding = plan.padding;
  o.stride_h = static_cast<int32_t>(plan.strides[0]);
  o.stride_w = static_cast<int32_t>(plan.strides[1]);
  o.filter_height = static_cast<int32_t>(plan.kernel[0]);
  o.filter_width = static_cast<int32_t>(plan.kernel[1]);
  o.fused_activation_function = fused_activation(node);
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(max ? fb::BuiltinOperator::MAX_POOL_2D : fb::BuiltinOperator::AVERAGE_POOL_2D, {input},
             {ctx.define(y)}, std::move(options));
}

}  // namespace tinyc::tflite_format
