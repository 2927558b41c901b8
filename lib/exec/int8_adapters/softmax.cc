// int8 Softmax adapter: TFLite's SOFTMAX (int8_reference::softmax_int8) over the last axis, beta 1, output
// scale 1/256 and zero point -128. Before opset 13 ONNX flattens the dims from `axis` on, which is
// the last axis only when `axis` is; other axes have no int8 kernel.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_softmax.h"

namespace tinyc::exec::int8_adapters {

namespace {

class SoftmaxInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    const Slot& x = ctx.input(0);
    if (x.rank() < 1) ctx.fail("input must have rank >= 1");
    const int64_t axis = ctx.normalize_axis(ctx.node.attr_int("axis", ctx.opset < 13 ? 1 : -1), x.rank());
    if (axis != x.rank() - 1)
      ctx.fail("the int8 Softmax normalizes the last axis only (TFLite); axis " + std::to_string(axis) +
               " of rank " + std::to_string(x.rank()) + " has no int8 kernel");
    mixes_axis0_ = axis == 0;
    count_ = x.count();
    p_ = named(ctx, [&] { return int8_reference::prepare_softmax(x.shape, input_q, output_q); });
  }

  bool mixes_axis0() const override { return mixes_axis0_; }

  void eval(const EvalArgs& args) const override {
    int8_reference::softmax_int8(p_, args.in<int8_t>(0, count_), args.out<int8_t>(0, count_));
  }

 private:
  int8_reference::SoftmaxParams p_;
  int64_t count_ = 0;
  bool mixes_axis0_ = false;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_softmax() { return std::make_unique<SoftmaxInt8>(); }

}  // namespace tinyc::exec::int8_adapters
