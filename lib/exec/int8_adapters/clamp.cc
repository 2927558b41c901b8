// int8 Relu and Clip adapter: a clamp to the float bounds mapped through the input's parameters
// (int8_reference::activation_range, TFLite's CalculateActivationRangeQuantized), input and output sharing
// their parameters. That is what TFLite's RELU / RELU6 / RELU_N1_TO_1 compute in that case: their
// requantization by s_in / s_out = 1 is the identity. Clip's bounds are float constants (or int8
// constants with their own parameters), attributes before opset 11.
#include <limits>

#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"

namespace tinyc::exec::int8_adapters {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// The real value of Clip's bound input i, or `fallback` when it is omitted.
float clip_bound(const PrepareContext& ctx, size_t i, float fallback) {
  const Slot& s = ctx.input(i);
  if (!s.present) return fallback;
  const std::string what = i == 1 ? "min" : "max";
  if (!s.data || s.count() != 1)
    ctx.fail(what + " must be a scalar known before run time to clamp int8 data");
  if (ir::is_float(s.dtype)) return static_cast<float>(s.data->to_double().front());
  if (s.dtype != ir::DType::Int8)
    ctx.fail(what + " is " + std::string(ir::dtype_name(s.dtype)) + "; the int8 Clip takes float or int8 bounds");
  const int8_reference::AffineParams p = named(ctx, [&] { return int8_reference::per_tensor(input_quant(ctx, i, what), what); });
  return int8_reference::dequantize_value(s.data->values<int8_t>().front(), p);
}

int8_reference::ActivationBounds clamp_bounds(const PrepareContext& ctx) {
  if (ctx.node.op_type == "Relu") return int8_reference::ActivationBounds::relu();
  if (ctx.opset < 11) return {ctx.node.attr_float("min", -kInf), ctx.node.attr_float("max", kInf)};
  return {clip_bound(ctx, 1, -kInf), clip_bound(ctx, 2, kInf)};
}

class ClampInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::QuantParams& input_q = int8_input(ctx, 0, "input");
    require_same_params(ctx, input_q, int8_output(ctx, 0));
    const int8_reference::AffineParams params = int8_reference::per_tensor(input_q, "input");
    const int8_reference::ActivationBounds bounds = clamp_bounds(ctx);
    range_ = named(ctx, [&] { return int8_reference::activation_range(bounds, params); });
    count_ = ctx.input(0).count();
    require_output_count(ctx, count_);
  }

  // One compare pair per element, in TFLite's order (raise to min, then lower to max).
  void eval(const EvalArgs& args) const override {
    const auto x = args.in<int8_t>(0, count_);
    const auto y = args.out<int8_t>(0, count_);
    for (size_t i = 0; i < x.size(); ++i) y[i] = int8_reference::clamp_to(x[i], range_);
  }

 private:
  int8_reference::ActivationRange range_;
  int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_clamp() { return std::make_unique<ClampInt8>(); }

}  // namespace tinyc::exec::int8_adapters
