// QuantizeLinear and DequantizeLinear in ONNX's own form, where scale and zero point are node
// inputs (QDQ models): y = saturate(round_half_even(x / scale) + zero_point) into uint8 or int8,
// and y = (x - zero_point) * scale, per tensor or per `axis`. The quantized graph form of
// docs/ir.md keeps the parameters on the int8 value instead and runs the int8 kernels
// (int8_adapters/quantize.cc); a node in that form that lost its parameters lands here and is
// reported as such.
#include <algorithm>
#include <cmath>
#include <limits>

#include "exec/kernels/factories.h"
#include "ir/value.h"

namespace tinyc::exec::kernels {

namespace {

// Per-axis geometry: element i uses scale (i / inner) % channels; one channel per tensor.
struct Channels {
  int64_t count = 1;
  int64_t inner = 1;
  int64_t channel(int64_t i) const { return (i / inner) % count; }
};

// Checks the scale (input 1) and zero point (input 2) against the data (input 0) and returns the
// per-axis geometry. `value` names the value whose parameters the tinyc form would carry.
Channels check_parameters(const PrepareContext& ctx, const std::string& value) {
  if (!ctx.input(1).present)
    ctx.fail("'" + value +
             "' has no quantization parameters (tinyc's form keeps them on the int8 value) and the node has no "
             "scale input (ONNX's form); quantize the graph with quantize_int8 or give the value its parameters");
  if (ctx.node.attr_int("block_size", 0) != 0) ctx.fail("blocked quantization (block_size) is not supported");
  const Slot& x = ctx.input(0);
  const Slot& scale = ctx.input(1);
  if (scale.dtype != ir::DType::Float32) ctx.fail("scale must be float32");
  Channels c;
  if (scale.rank() == 1 && scale.count() != 1) {
    const int64_t axis = ctx.normalize_axis(ctx.node.attr_int("axis", 1), x.rank());
    c.count = x.shape[static_cast<size_t>(axis)];
    c.inner = ir::num_elements({x.shape.begin() + axis + 1, x.shape.end()});
    if (scale.count() != c.count)
      ctx.fail(std::to_string(scale.count()) + " scales for " + std::to_string(c.count) + " channels on axis " +
               std::to_string(axis));
  } else if (scale.count() != 1) {
    ctx.fail("scale must be a scalar or a 1-D tensor, got " + ir::shape_to_string(scale.shape));
  }
  const Slot& zero_point = ctx.input(2);
  if (zero_point.present && zero_point.shape != scale.shape)
    ctx.fail("zero point shape " + ir::shape_to_string(zero_point.shape) + " differs from the scale's " +
             ir::shape_to_string(scale.shape));
  return c;
}

// Calls f(Type<Q>{}) for the quantized element types ONNX's QuantizeLinear / DequantizeLinear
// take; prepare rejected the others.
template <class F>
void dispatch_quantized(ir::DType dtype, F&& f) {
  switch (dtype) {
    case ir::DType::UInt8: return f(Type<uint8_t>{});
    case ir::DType::Int8: return f(Type<int8_t>{});
    case ir::DType::Int32: return f(Type<int32_t>{});
    default:
      throw InternalError("QuantizeLinear/DequantizeLinear reached eval with " + std::string(ir::dtype_name(dtype)));
  }
}

// The zero point of channel c as an integer (0 when the input is omitted).
template <class Q>
int32_t zero_point_at(const EvalArgs& args, int64_t c) {
  return args.inputs.size() > 2 && args.inputs[2] ? static_cast<const Q*>(args.inputs[2])[c] : 0;
}

class QuantizeLinearKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, {ir::DType::Float32});
    channels_ = check_parameters(ctx, ctx.node.output(0)->name);
    dtype_ = ctx.output(0).dtype;
    if (dtype_ != ir::DType::UInt8 && dtype_ != ir::DType::Int8)
      ctx.fail("quantizing to " + std::string(ir::dtype_name(dtype_)) + " is not supported (uint8, int8)");
    if (ctx.input(2).present && ctx.input(2).dtype != dtype_)
      throw InternalError("QuantizeLinear '" + ctx.node.name + "': output dtype differs from the zero point's");
    count_ = ctx.input(0).count();
  }

  // Per element: one float division, a round to nearest even, a clamp.
  void eval(const EvalArgs& args) const override {
    const auto x = args.in<float>(0, count_);
    const auto* scale = static_cast<const float*>(args.inputs[1]);
    dispatch_quantized(dtype_, [&]<class Q>(Type<Q>) {
      const auto y = args.out<Q>(0, count_);
      const double lo = std::numeric_limits<Q>::min(), hi = std::numeric_limits<Q>::max();  // exact for every Q
      for (int64_t i = 0; i < count_; ++i) {
        const int64_t c = channels_.channel(i);
        const float q = std::nearbyint(x[static_cast<size_t>(i)] / scale[c]) +
                        static_cast<float>(zero_point_at<Q>(args, c));
        y[static_cast<size_t>(i)] = static_cast<Q>(std::clamp(std::isnan(q) ? 0.0 : static_cast<double>(q), lo, hi));
      }
    });
  }

 private:
  Channels channels_;
  ir::DType dtype_ = ir::DType::Undefined;
  int64_t count_ = 0;
};

class DequantizeLinearKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, {ir::DType::UInt8, ir::DType::Int8, ir::DType::Int32});
    channels_ = check_parameters(ctx, ctx.node.input(0)->name);
    dtype_ = ctx.input(0).dtype;
    if (ctx.input(2).present && ctx.input(2).dtype != dtype_) ctx.fail("zero point must have the input's dtype");
    if (ctx.output(0).dtype != ir::DType::Float32)
      throw InternalError("DequantizeLinear '" + ctx.node.name + "': output is not float32");
    count_ = ctx.input(0).count();
  }

  // Per element: (x - zero_point) * scale in float, as ONNX's reference computes it.
  void eval(const EvalArgs& args) const override {
    const auto* scale = static_cast<const float*>(args.inputs[1]);
    const auto y = args.out<float>(0, count_);
    dispatch_quantized(dtype_, [&]<class Q>(Type<Q>) {
      const auto x = args.in<Q>(0, count_);
      for (int64_t i = 0; i < count_; ++i) {
        const int64_t c = channels_.channel(i);
        y[static_cast<size_t>(i)] =
            (static_cast<float>(x[static_cast<size_t>(i)]) - static_cast<float>(zero_point_at<Q>(args, c))) * scale[c];
      }
    });
  }

 private:
  Channels channels_;
  ir::DType dtype_ = ir::DType::Undefined;
  int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_quantize_linear() { return std::make_unique<QuantizeLinearKernel>(); }
std::unique_ptr<Kernel> make_dequantize_linear() { return std::make_unique<DequantizeLinearKernel>(); }

}  // namespace tinyc::exec::kernels
