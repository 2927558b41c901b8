// int8 Conv adapter: group 1 runs TFLite's CONV_2D arithmetic (int8_fast::fast_conv_int8 when the
// weights are constant, else int8_reference::conv_int8), group = input channels TFLite's
// DEPTHWISE_CONV_2D (depth multiplier = output / input channels: int8_fast::fast_depthwise_conv_int8,
// else int8_reference::depthwise_conv_int8), the fast kernels on the CPU's instruction set
// (exec/isa.h). Pads, strides, dilations and auto_pad are resolved by the shared window geometry,
// so shape inference and the kernel agree; the int32 bias is optional.
#include <array>
#include <optional>

#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_fast/conv.h"
#include "exec/int8_fast/depthwise_conv.h"
#include "exec/int8_reference/int8_depthwise_conv.h"
#include "exec/shape/window.h"

namespace tinyc::exec::int8_adapters {

namespace {

class ConvInt8 final : public ClampingKernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& weights_q = int8_input(ctx, 1, "weights");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    const Slot& x = ctx.input(0);
    const Slot& w = ctx.input(1);
    if (x.rank() != 4 || w.rank() != 4)
      ctx.fail("the int8 Conv is 2-D (N x C x H x W input, O x I x kH x kW weights), got " +
               ir::shape_to_string(x.shape) + " and " + ir::shape_to_string(w.shape));
    const Slot& bias = ctx.input(2);
    if (bias.present && (bias.dtype != ir::DType::Int32 || bias.shape != ir::Shape{w.shape[0]}))
      ctx.fail("bias must be " + std::to_string(w.shape[0]) + " int32 values (scale input x weight), got " +
               std::string(ir::dtype_name(bias.dtype)) + " " + ir::shape_to_string(bias.shape));
    const int64_t groups = ctx.node.attr_int("group", 1);
    const int64_t channels = x.shape[1];
    depthwise_ = groups != 1;
    if (depthwise_ && groups != channels)
      ctx.fail("group " + std::to_string(groups) + " is neither 1 nor the " + std::to_string(channels) +
               " input channels; TFLite has no int8 kernel for other grouped convolutions");
    const shape::WindowGeometry window =
        shape::resolve_window(ctx.node, {x.shape[2], x.shape[3]}, {w.shape[2], w.shape[3]}, false);
    const std::array<int64_t, 2> strides{window.strides[0], window.strides[1]};
    const std::array<int64_t, 2> dilations{window.dilations[0], window.dilations[1]};
    const std::array<int64_t, 4> pads{window.pads_begin[0], window.pads_begin[1], window.pads_end[0],
                                      window.pads_end[1]};
    const int8_reference::ActivationBounds activation = fused_activation(ctx.node);
    p_ = named(ctx, [&] {
      if (depthwise_)
        return int8_reference::prepare_depthwise_conv({x.shape, w.shape, strides, dilations, pads}, input_q, weights_q,
                                             output_q, activation, bias.present);
      return int8_reference::prepare_conv({x.shape, w.shape, 1, strides, dilations, pads}, input_q, weights_q, output_q,
                                 activation, bias.present);
    });
    if (!depthwise_ && w.data && int8_fast::fast_conv_applies(p_)) {
      packed_ = int8_fast::pack_conv_weights(isa_, p_, w.data->values<int8_t>());
      scratch_ = int8_fast::fast_conv_scratch_bytes(p_, *packed_);
    }
    depthwise_fast_.reset();
    if (depthwise_ && int8_fast::fast_depthwise_conv_applies(p_)) {
      depthwise_fast_ = int8_fast::prepare_fast_depthwise(
          p_, w.data ? std::optional(w.data->values<int8_t>()) : std::nullopt);
      scratch_ = int8_fast::fast_depthwise_conv_scratch_bytes(p_, *depthwise_fast_);
    }
    if (p_.output_shape() != ctx.output(0).shape)
      throw InternalError("Conv '" + ctx.node.name + "': output shape " + ir::shape_to_string(ctx.output(0).shape) +
                          " disagrees with the int8 geometry " + ir::shape_to_string(p_.output_shape()));
  }

  size_t scratch_bytes() const override { return scratch_; }

  void eval(const EvalArgs& args) const override {
    const auto bias = p_.has_bias ? args.in<int32_t>(2, p_.out_channels()) : std::span<const int32_t>{};
    const auto x = args.in<int8_t>(0, p_.input_count());
    const auto w = args.in<int8_t>(1, p_.weights_count());
    const auto y = args.out<int8_t>(0, p_.output_count());
    if (depthwise_fast_)
      int8_fast::fast_depthwise_conv_int8(isa_, p_, *depthwise_fast_, x, w, bias, y, args.scratch);
    else if (depthwise_) int8_reference::depthwise_conv_int8(p_, x, w, bias, y);
    else if (packed_) int8_fast::fast_conv_int8(p_, *packed_, x, bias, y, args.scratch);
    else int8_reference::conv_int8(p_, x, w, bias, y);
  }

 private:
  int8_reference::ConvParams p_;
  bool depthwise_ = false;
  std::optional<int8_fast::FastDepthwise> depthwise_fast_;  // none: the reference loop runs
  std::optional<int8_fast::PackedConvWeights> packed_;  // none: the reference loop runs
  exec::Isa isa_ = exec::detected_isa();
  size_t scratch_ = 0;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_conv() { return std::make_unique<ConvInt8>(); }

}  // namespace tinyc::exec::int8_adapters
