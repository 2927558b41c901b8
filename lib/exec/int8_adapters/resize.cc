// int8 Resize and Upsample adapter: the TFLite op whose options give the node's coordinates
// (shape::tflite_resize_flags; none is an error naming why). Nearest copies the int8 bytes through
// the float kernel's index map, which equals TFLite's then; linear is TFLite Micro's integer
// bilinear resize (int8_reference::resize_bilinear_int8). Input and output share their parameters.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_resize.h"
#include "exec/kernels/factories.h"
#include "exec/kernels/resize.h"

namespace tinyc::exec::int8_adapters {

namespace {

class ResizeInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    require_same_params(ctx, int8_input(ctx, 0, "X"), int8_output(ctx, 0));
    const ir::Shape& in = ctx.input(0).shape;
    const shape::ResizeSpec spec = kernels::prepared_resize_spec(ctx);
    std::string why;
    const std::optional<shape::TfliteResizeFlags> flags = shape::tflite_resize_flags(spec, why);
    if (!flags) ctx.fail(why);
    if (!spec.linear) {
      nearest_ = kernels::make_resize();
      nearest_->prepare(ctx);
      return;
    }
    p_.planes = in[0] * in[1];
    p_.in_h = static_cast<int32_t>(in[2]);
    p_.in_w = static_cast<int32_t>(in[3]);
    p_.out_h = static_cast<int32_t>(spec.axes[2].out);
    p_.out_w = static_cast<int32_t>(spec.axes[3].out);
    p_.align_corners = flags->align_corners;
    p_.half_pixel_centers = flags->half_pixel_centers;
  }

  void eval(const EvalArgs& args) const override {
    if (nearest_) {
      nearest_->eval(args);
      return;
    }
    int8_reference::resize_bilinear_int8(p_, args.in<int8_t>(0, p_.input_count()), args.out<int8_t>(0, p_.output_count()));
  }

 private:
  std::unique_ptr<kernels::Kernel> nearest_;
  int8_reference::ResizeBilinearParams p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_resize() { return std::make_unique<ResizeInt8>(); }

}  // namespace tinyc::exec::int8_adapters
