// int8 GlobalAveragePool and ReduceMean adapters: TFLite's MEAN (int8_fast::fast_mean_int8 over
// trailing axes, else int8_reference::mean_int8) over the
// spatial dims (GlobalAveragePool) or the node's axes (ReduceMean, resolved as the float kernel
// and shape inference resolve them). keepdims only changes the output shape, not the data order.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_fast/mean.h"
#include "exec/int8_reference/int8_mean.h"
#include "exec/shape/reduction.h"

namespace tinyc::exec::int8_adapters {

namespace {

class MeanInt8 final : public kernels::Kernel {
 public:
  explicit MeanInt8(bool global) : global_(global) {}

  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    const Slot& x = ctx.input(0);
    const std::vector<int64_t> axes = reduced_axes(ctx);
    p_ = named(ctx, [&] { return int8_reference::prepare_mean(x.shape, axes, input_q, output_q); });
    require_output_count(ctx, p_.kept.count);
  }

  void eval(const EvalArgs& args) const override {
    const auto x = args.in<int8_t>(0, p_.input_count);
    const auto y = args.out<int8_t>(0, p_.kept.count);
    if (int8_fast::fast_mean_applies(p_)) return int8_fast::fast_mean_int8(p_, x, y);
    int8_reference::mean_int8(p_, x, y);
  }

 private:
  std::vector<int64_t> reduced_axes(const PrepareContext& ctx) const {
    const int64_t rank = ctx.input(0).rank();
    std::vector<int64_t> axes;
    if (global_) {
      if (rank < 3) ctx.fail("input must have rank >= 3 (N x C x spatial)");
      for (int64_t d = 2; d < rank; ++d) axes.push_back(d);
      return axes;
    }
    const std::vector<int64_t> listed =
        ctx.opset >= shape::reduce_axes_input_since(ctx.node)
            ? (ctx.input(1).present ? ctx.static_ints(1, "axes") : std::vector<int64_t>{})
            : ctx.node.attr_ints("axes", {});
    const std::vector<bool> reduced = shape::reduced_axes(ctx.node, ctx.opset, rank, listed);
    for (int64_t d = 0; d < rank; ++d)
      if (reduced[static_cast<size_t>(d)]) axes.push_back(d);
    return axes;
  }

  bool global_;
  int8_reference::MeanParams p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_mean(bool global) { return std::make_unique<MeanInt8>(global); }

}  // namespace tinyc::exec::int8_adapters
