// CONV_2D -> Conv (filter OHWI -> OIHW, group 1), DEPTHWISE_CONV_2D -> Conv (filter [1, kH, kW, C*M]
// -> [C*M, 1, kH, kW], group = C, depth multiplier M), AVERAGE_POOL_2D / MAX_POOL_2D -> AveragePool /
// MaxPool. TFLite's SAME and VALID become explicit pads: total = max((out - 1) * stride + (k - 1) *
// dilation + 1 - in, 0), the smaller half first. The int32 bias keeps its data; its parameters are
// s_in * s_w[c], which is all TFLite Micro uses.
#include <array>

#include "formats/tflite/import_ops.h"
#include "formats/tflite/layout.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

// A 2-D window in TFLite terms.
struct WindowOptions {
  fb::Padding padding = fb::Padding::SAME;
  std::array<int64_t, 2> strides{1, 1};    // H, W
  std::array<int64_t, 2> dilations{1, 1};  // H, W
};

// The output size TFLite computes, and the pads (before H, before W, after H, after W) that give it.
struct WindowPads {
  std::array<int64_t, 2> out{};
  std::vector<int64_t> pads;  // ONNX order: begin H, begin W, end H, end W
};

WindowPads window_pads(const FileOp& op, const ImportContext& ctx, const WindowOptions& w,
                       std::array<int64_t, 2> in, std::array<int64_t, 2> kernel) {
  WindowPads result;
  std::array<int64_t, 2> begin{}, end{};
  for (size_t i = 0; i < 2; ++i) {
    if (w.strides[i] < 1 || w.dilations[i] < 1 || kernel[i] < 1)
      throw InputError(ctx.describe(op) + ": strides, dilations and the window must be at least 1");
    const int64_t span = (kernel[i] - 1) * w.dilations[i] + 1;
    const int64_t out = w.padding == fb::Padding::SAME ? (in[i] + w.strides[i] - 1) / w.strides[i]
                                                      : (in[i] - span + w.strides[i]) / w.strides[i];
    if (out < 1) throw InputError(ctx.describe(op) + ": the window is larger than the input");
    const int64_t total = std::max<int64_t>((out - 1) * w.strides[i] + span - in[i], 0);
    result.out[i] = out;
    begin[i] = total / 2;
    end[i] = total - total / 2;
  }
  result.pads = {begin[0], begin[1], end[0], end[1]};
  return result;
}

void check_padding(const FileOp& op, const ImportContext& ctx, fb::Padding padding) {
  if (padding != fb::Padding::SAME && padding != fb::Padding::VALID)
    throw InputError(ctx.describe(op) + ": unknown padding " + std::to_string(static_cast<int>(padding)));
}

// Output shape check: the file's NHWC output must be what TFLite computes.
void check_output(const FileOp& op, const ImportContext& ctx, int32_t output, const ir::Shape& expected_nhwc) {
  if (ctx.tensor(output).shape != expected_nhwc)
    throw InputError(ctx.describe(op) + ": the output shape " + ir::shape_to_string(ctx.tensor(output).shape) +
                     " is not the " + ir::shape_to_string(expected_nhwc) + " TFLite computes");
}

void set_window_attrs(ir::Node* n, std::array<int64_t, 2> kernel, const WindowOptions& w, const WindowPads& p) {
  n->attrs["kernel_shape"] = std::vector<int64_t>{kernel[0], kernel[1]};
  n->attrs["strides"] = std::vector<int64_t>{w.strides[0], w.strides[1]};
  n->attrs["pads"] = p.pads;
}

// The filter's parameters with the per-channel axis as `axis` of the re-laid-out IR weight.
std::optional<ir::QuantParams> filter_quant(const FileOp& op, const ImportContext& ctx, int32_t filter,
                                            int64_t file_axis) {
  std::optional<ir::QuantParams> q = ctx.tensor(filter).quant;
  if (!q) return q;
  if (q->per_channel() && q->axis != file_axis)
    throw InputError(ctx.describe(op) + ": per-channel filter scales must run along dimension " +
                     std::to_string(file_axis) + " (the output channels), got " + std::to_string(q->axis));
  q->axis = 0;
  return q;
}

}  // namespace

void import_conv(const FileOp& op, ImportContext& ctx) {
  const bool depthwise = op.code == static_cast<int32_t>(fb::BuiltinOperator::DEPTHWISE_CONV_2D);
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t filter = required_input(op, ctx, 1, "filter");
  const int32_t output = single_output(op, ctx);
  const ir::Shape& xs = ctx.tensor(input).shape;
  const ir::Shape& ws = ctx.tensor(filter).shape;
  if (xs.size() != 4 || ws.size() != 4)
    throw InputError(ctx.describe(op) + ": expected a 4-D input and filter, got " + ir::shape_to_string(xs) + " and " +
                     ir::shape_to_string(ws));
  check_weight_type(op, ctx, input, filter);
  WindowOptions w;
  int8_t activation = 0;
  int64_t multiplier = 1;
  if (depthwise) {
    const fb::DepthwiseConv2DOptions* o = op.op->builtin_options_as_DepthwiseConv2DOptions();
    if (!o) throw InputError(ctx.describe(op) + ": the convolution options (strides, padding) are missing");
    w = {o->padding(), {o->stride_h(), o->stride_w()}, {o->dilation_h_factor(), o->dilation_w_factor()}};
    activation = static_cast<int8_t>(o->fused_activation_function());
    multiplier = o->depth_multiplier();
  } else {
    const fb::Conv2DOptions* o = op.op->builtin_options_as_Conv2DOptions();
    if (!o) throw InputError(ctx.describe(op) + ": the convolution options (strides, padding) are missing");
    w = {o->padding(), {o->stride_h(), o->stride_w()}, {o->dilation_h_factor(), o->dilation_w_factor()}};
    activation = static_cast<int8_t>(o->fused_activation_function());
  }
  check_padding(op, ctx, w.padding);
  const int64_t in_channels = xs[3];
  int64_t out_channels = 0;
  ir::Tensor weights;
  if (depthwise) {
    // Filter [1, kH, kW, C * M]: output channel c * M + m reads input channel c (TFLite and ONNX alike).
    out_channels = ws[3];
    if (ws[0] != 1 || out_channels % in_channels != 0)
      throw InputError(ctx.describe(op) + ": filter " + ir::shape_to_string(ws) + " does not fit " +
                       std::to_string(in_channels) + " input channels");
    if (multiplier > 0 && multiplier != out_channels / in_channels)
      throw InputError(ctx.describe(op) + ": depth_multiplier " + std::to_string(multiplier) + " disagrees with the " +
                       "filter's " + std::to_string(out_channels) + " channels for " + std::to_string(in_channels) +
                       " inputs");
    weights = transpose(ctx.file_data(filter), std::array<int, 4>{3, 0, 1, 2});
  } else {
    out_channels = ws[0];
    if (ws[3] != in_channels)
      throw InputError(ctx.describe(op) + ": filter " + ir::shape_to_string(ws) + " does not fit " +
                       std::to_string(in_channels) + " input channels");
    weights = transpose(ctx.file_data(filter), std::array<int, 4>{0, 3, 1, 2});
  }
  const std::array<int64_t, 2> kernel{ws[1], ws[2]};
  const WindowPads pads = window_pads(op, ctx, w, {xs[1], xs[2]}, kernel);
  check_output(op, ctx, output, {xs[0], pads.out[0], pads.out[1], out_channels});

  ir::Value* x = ctx.value(input);
  ir::Value* weight = ctx.constant((depthwise ? "depthwise:" : "conv:") + std::to_string(filter),
                                   ctx.tensor(filter).name, std::move(weights),
                                   filter_quant(op, ctx, filter, depthwise ? 3 : 0));
  std::vector<ir::Value*> inputs{x, weight};
  if (ir::Value* bias = bias_value(op, ctx, input, filter, out_channels)) inputs.push_back(bias);
  ir::Node* n = ctx.define("Conv", inputs, output);
  set_window_attrs(n, kernel, w, pads);
  n->attrs["dilations"] = std::vector<int64_t>{w.dilations[0], w.dilations[1]};
  n->attrs["group"] = depthwise ? in_channels : int64_t{1};
  set_fused_activation(n, activation, op, ctx);
}

void import_pool(const FileOp& op, ImportContext& ctx) {
  const bool max = op.code == static_cast<int32_t>(fb::BuiltinOperator::MAX_POOL_2D);
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const ir::Shape& xs = ctx.tensor(input).shape;
  if (xs.size() != 4) throw InputError(ctx.describe(op) + ": expected a 4-D input, got " + ir::shape_to_string(xs));
  const fb::Pool2DOptions* o = op.op->builtin_options_as_Pool2DOptions();
  if (!o) throw InputError(ctx.describe(op) + ": the pool options (window, strides) are missing");
  const WindowOptions w{o->padding(), {o->stride_h(), o->stride_w()}, {1, 1}};
  check_padding(op, ctx, w.padding);
  const std::array<int64_t, 2> kernel{o->filter_height(), o->filter_width()};
  const WindowPads pads = window_pads(op, ctx, w, {xs[1], xs[2]}, kernel);
  check_output(op, ctx, output, {xs[0], pads.out[0], pads.out[1], xs[3]});
  // TFLite averages only the elements inside the input: ONNX's count_include_pad = 0 (the default).
  ir::Node* n = ctx.define(max ? "MaxPool" : "AveragePool", {ctx.value(input)}, output);
  set_window_attrs(n, kernel, w, pads);
  set_fused_activation(n, static_cast<int8_t>(o->fused_activation_function()), op, ctx);
}

}  // namespace tinyc::tflite_format
