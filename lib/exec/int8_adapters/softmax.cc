// int8 Softmax and LogSoftmax adapter: TFLite's SOFTMAX (int8_reference::softmax_int8), beta 1, output
// scale 1/256 and zero point -128, or LOG_SOFTMAX (log_softmax_int8), scale 16/256 and zero point 127,
// over any axis: rows along another axis than the last are gathered into
// scratch, normalized there and scattered back (the blob transposes around SOFTMAX the same way;
// each row's arithmetic is the same). Before opset 13 ONNX normalizes over all dims from `axis` on,
// which is one axis only when the dims after it are 1.
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_softmax.h"

namespace tinyc::exec::int8_adapters {

namespace {

class SoftmaxInt8 final : public kernels::Kernel {
 public:
  explicit SoftmaxInt8(bool log) : log_(log) {}

  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    const Slot& x = ctx.input(0);
    if (x.rank() < 1) ctx.fail("input must have rank >= 1");
    const int64_t axis = ctx.normalize_axis(ctx.node.attr_int("axis", ctx.opset < 13 ? 1 : -1), x.rank());
    const ir::Shape& s = x.shape;
    if (ctx.opset < 13 && ir::num_elements({s.begin() + axis + 1, s.end()}) != 1)
      ctx.fail("before opset 13 " + ctx.node.op_type + " normalizes over every dim from axis " + std::to_string(axis) +
               " on, which has no int8 kernel");
    mixes_axis0_ = axis == 0;
    count_ = x.count();
    depth_ = s[static_cast<size_t>(axis)];
    inner_ = ir::num_elements({s.begin() + axis + 1, s.end()});
    const ir::Shape rows{count_ / depth_, depth_};
    if (log_)
      log_p_ = named(ctx, [&] { return int8_reference::prepare_log_softmax(rows, input_q, output_q); });
    else
      p_ = named(ctx, [&] { return int8_reference::prepare_softmax(rows, input_q, output_q); });
  }

  bool mixes_axis0() const override { return mixes_axis0_; }

  size_t scratch_bytes() const override { return inner_ == 1 ? 0 : 2 * static_cast<size_t>(count_); }

  void eval(const EvalArgs& args) const override {
    const std::span<const int8_t> x = args.in<int8_t>(0, count_);
    const std::span<int8_t> y = args.out<int8_t>(0, count_);
    if (inner_ == 1) {
      normalize(x, y);
      return;
    }
    // (outer, depth, inner) -> rows of (outer, inner) x depth, and back.
    const auto n = static_cast<size_t>(count_);
    const std::span<int8_t> rows(reinterpret_cast<int8_t*>(args.scratch.data()), n);
    const std::span<int8_t> normalized(reinterpret_cast<int8_t*>(args.scratch.data()) + n, n);
    const int64_t block = depth_ * inner_;
    for (int64_t o = 0; o < count_ / block; ++o)
      for (int64_t d = 0; d < depth_; ++d)
        for (int64_t i = 0; i < inner_; ++i)
          rows[static_cast<size_t>((o * inner_ + i) * depth_ + d)] = x[static_cast<size_t>(o * block + d * inner_ + i)];
    normalize(rows, normalized);
    for (int64_t o = 0; o < count_ / block; ++o)
      for (int64_t d = 0; d < depth_; ++d)
        for (int64_t i = 0; i < inner_; ++i)
          y[static_cast<size_t>(o * block + d * inner_ + i)] = normalized[static_cast<size_t>((o * inner_ + i) * depth_ + d)];
  }

 private:
  void normalize(std::span<const int8_t> rows, std::span<int8_t> out) const {
    if (log_)
      int8_reference::log_softmax_int8(log_p_, rows, out);
    else
      int8_reference::softmax_int8(p_, rows, out);
  }

  bool log_;
  int8_reference::SoftmaxParams p_;
  int8_reference::LogSoftmaxParams log_p_;
  int64_t count_ = 0;
  int64_t depth_ = 1;  // the normalized axis
  int64_t inner_ = 1;  // elements after it
  bool mixes_axis0_ = false;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_softmax(bool log) { return std::make_unique<SoftmaxInt8>(log); }

}  // namespace tinyc::exec::int8_adapters
