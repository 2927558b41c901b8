// int8 MaxPool and AveragePool adapters: TFLite's MAX_POOL_2D and AVERAGE_POOL_2D
// (int8_fast::fast_max_pool_int8, int8_fast::fast_average_pool_int8) on 2-D windows. ONNX's pads, auto_pad and
// ceil_mode are resolved by the shared window geometry; the int8 functions clip windows to the input
// (padding is never read), so the extra end room that ceil_mode adds becomes end padding. An
// AveragePool whose padding counts (count_include_pad) is what the blob runs: PAD with the zero
// point, then the pool over the padded input without padding.
#include <algorithm>
#include <optional>
#include <vector>

#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_fast/average_pool.h"
#include "exec/int8_fast/max_pool.h"
#include "exec/int8_reference/int8_pad.h"
#include "exec/int8_reference/int8_pool.h"
#include "exec/shape/window.h"

namespace tinyc::exec::int8_adapters {

namespace {

// The end padding that makes floor((in + begin + end - kernel) / stride) + 1 equal `output`.
int64_t end_padding(int64_t in, int64_t begin, int64_t kernel, int64_t stride, int64_t output) {
  return std::max<int64_t>(0, (output - 1) * stride + kernel - in - begin);
}

// A pool's geometry, and the ONNX-order pads of a PAD that runs first when padded elements count.
struct PoolPlan {
  int8_reference::PoolShape shape;
  std::vector<int64_t> pad_first;
};

// Window attributes TFLite's pools have no equivalent for are errors.
PoolPlan pool_plan(const PrepareContext& ctx) {
  const Slot& x = ctx.input(0);
  if (x.rank() != 4) ctx.fail("the int8 pools are 2-D (N x C x H x W input), got " + ir::shape_to_string(x.shape));
  if (ctx.output(1).present) ctx.fail("the Indices output has no int8 kernel");
  for (int64_t d : ctx.node.attr_ints("dilations", {}))
    if (d != 1) ctx.fail("dilations other than 1 have no int8 kernel");
  const std::vector<int64_t> kernel = ctx.node.attr_ints("kernel_shape", {});
  if (kernel.size() != 2) ctx.fail("kernel_shape must have 2 entries");
  const shape::WindowGeometry w = shape::resolve_window(ctx.node, {x.shape[2], x.shape[3]}, kernel,
                                                        ctx.node.attr_int("ceil_mode", 0) != 0);
  const bool padded = std::any_of(w.pads_begin.begin(), w.pads_begin.end(), [](int64_t p) { return p != 0; }) ||
                      std::any_of(w.pads_end.begin(), w.pads_end.end(), [](int64_t p) { return p != 0; });
  PoolPlan plan;
  int8_reference::PoolShape& s = plan.shape;
  s.input = x.shape;
  s.kernel = {kernel[0], kernel[1]};
  s.strides = {w.strides[0], w.strides[1]};
  s.pads = {w.pads_begin[0], w.pads_begin[1],
            end_padding(x.shape[2], w.pads_begin[0], kernel[0], w.strides[0], w.output[0]),
            end_padding(x.shape[3], w.pads_begin[1], kernel[1], w.strides[1], w.output[1])};
  if (padded && ctx.node.attr_int("count_include_pad", 0) != 0) {
    plan.pad_first = {0, 0, s.pads[0], s.pads[1], 0, 0, s.pads[2], s.pads[3]};
    s.input[2] += s.pads[0] + s.pads[2];
    s.input[3] += s.pads[1] + s.pads[3];
    s.pads = {0, 0, 0, 0};
  }
  return plan;
}

// MaxPool on the widest instruction set the CPU has.
void max_pool(const int8_reference::PoolParams& p, std::span<const int8_t> input, std::span<int8_t> output,
              std::span<std::byte> scratch) {
  int8_fast::fast_max_pool_int8(exec::detected_isa(), p, input, output, scratch);
}


// One adapter for both pools: their prepare, scratch and eval functions have the same signatures.
template <auto prepare_op, auto run_op, auto scratch_op>
class PoolInt8 final : public ClampingKernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    const ir::QuantParams& output_q = int8_output(ctx, 0);
    const PoolPlan plan = pool_plan(ctx);
    const int8_reference::PoolShape& shape = plan.shape;
    if (!plan.pad_first.empty())
      pad_ = named(ctx, [&] { return int8_reference::prepare_pad(ctx.input(0).shape, plan.pad_first, input_q, input_q); });
    p_ = named(ctx, [&] { return prepare_op(shape, input_q, output_q, fused_activation(ctx.node)); });
    const ir::Shape computed{shape.input[0], shape.input[1], p_.out_h, p_.out_w};
    if (computed != ctx.output(0).shape)
      throw InternalError(ctx.node.op_type + " '" + ctx.node.name + "': output shape " +
                          ir::shape_to_string(ctx.output(0).shape) + " disagrees with the int8 geometry " +
                          ir::shape_to_string(computed));
  }

  size_t scratch_bytes() const override { return scratch_op(p_) + (pad_ ? static_cast<size_t>(pad_->output_count) : 0); }

  void eval(const EvalArgs& args) const override {
    const size_t op_scratch = scratch_op(p_);
    if (!pad_) {
      run_op(p_, args.in<int8_t>(0, p_.input_count()), args.out<int8_t>(0, p_.output_count()), args.scratch);
      return;
    }
    const std::span<int8_t> padded(reinterpret_cast<int8_t*>(args.scratch.data() + op_scratch),
                                   static_cast<size_t>(pad_->output_count));
    int8_reference::pad_int8(*pad_, args.in<int8_t>(0, pad_->input_count), padded);
    run_op(p_, padded, args.out<int8_t>(0, p_.output_count()), args.scratch.first(op_scratch));
  }

 private:
  int8_reference::PoolParams p_;
  std::optional<int8_reference::PadParams> pad_;  // when padded elements count
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_pool(Pool op) {
  if (op == Pool::Max)
    return std::make_unique<PoolInt8<int8_reference::prepare_max_pool, max_pool,
                                     int8_fast::fast_max_pool_scratch_bytes>>();
  return std::make_unique<PoolInt8<int8_reference::prepare_average_pool, int8_fast::fast_average_pool_int8,
                                   int8_fast::fast_average_pool_scratch_bytes>>();
}

}  // namespace tinyc::exec::int8_adapters
