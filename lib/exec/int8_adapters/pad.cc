// int8 Pad adapter: TFLite's PAD (int8_reference::pad_int8) in constant mode, the border filled with the
// zero point (the quantized 0.0), and TFLite's MIRROR_PAD in reflect mode (the float Pad kernel
// moves the int8 bytes; the output keeps the input's parameters). Pads come from input 1 (opset
// 11+) or the attribute before; a constant value other than 0.0, edge and wrap modes and the axes
// input have no int8 kernel.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_pad.h"
#include "exec/kernels/factories.h"

namespace tinyc::exec::int8_adapters {

namespace {

// Fails unless the pad value is 0.0 in real terms: a float 0, or an int8 equal to the input's
// zero point (the quantize pass gives the value the data's parameters).
void require_zero_fill(const PrepareContext& ctx, const int8_reference::AffineParams& data) {
  double fill = 0.0;
  if (ctx.opset < 11) {
    fill = ctx.node.attr_float("value", 0.0f);
  } else if (const Slot& v = ctx.input(2); v.present && v.count() > 0) {
    if (!v.data) ctx.fail("constant_value must be known before run time");
    fill = v.dtype == ir::DType::Int8 ? int8_reference::dequantize_value(v.data->values<int8_t>().front(), data)
                                      : v.data->to_double().front();
  }
  if (fill != 0.0)
    ctx.fail("the int8 Pad fills with the zero point (0.0); a constant value of " + std::to_string(fill) +
             " has no int8 kernel");
}

class PadInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "data");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    const std::string mode = ctx.node.attr_string("mode", "constant");
    if (ctx.input(3).present) ctx.fail("the axes input has no int8 kernel; list pads for every dim");
    if (mode == "reflect") {
      require_same_params(ctx, input_q, output_q);
      reflect_ = kernels::make_pad();
      reflect_->prepare(ctx);
      return;
    }
    if (mode != "constant") ctx.fail("mode '" + mode + "' has no int8 kernel (constant and reflect only)");
    require_zero_fill(ctx, named(ctx, [&] { return int8_reference::per_tensor(input_q, "data"); }));
    const std::vector<int64_t> pads =
        ctx.opset >= 11 ? ctx.static_ints(1, "pads")
                        : ctx.node.attr_ints(ctx.node.has_attr("paddings") ? "paddings" : "pads", {});
    p_ = named(ctx, [&] { return int8_reference::prepare_pad(ctx.input(0).shape, pads, input_q, output_q); });
    require_output_count(ctx, p_.output_count);
  }

  void eval(const EvalArgs& args) const override {
    if (reflect_) {
      reflect_->eval(args);
      return;
    }
    int8_reference::pad_int8(p_, args.in<int8_t>(0, p_.input_count), args.out<int8_t>(0, p_.output_count));
  }

 private:
  int8_reference::PadParams p_;
  std::unique_ptr<kernels::Kernel> reflect_;  // reflect mode
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_pad() { return std::make_unique<PadInt8>(); }

}  // namespace tinyc::exec::int8_adapters
