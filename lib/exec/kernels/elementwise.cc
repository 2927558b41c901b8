// Elementwise kernels with numpy broadcasting: Add, Sub, Mul, Div (every numeric dtype; integers
// wrap like numpy, integer Div truncates toward zero), Pow (X of any numeric dtype to Y of any,
// computed in double), PRelu (slope broadcast to X) and the
// variadic Max, Min, Sum, Mean (folded left to right into the output). The pre-opset-7 forms
// (broadcast/axis, per-channel PRelu slopes) come from shape/broadcast.h, as shape inference sees them.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "exec/kernels/broadcast.h"
#include "exec/kernels/factories.h"
#include "exec/shape/broadcast.h"

namespace tinyc::exec::kernels {

namespace {

// Integer arithmetic runs in an unsigned type at least as wide as T and as int (narrower ones
// would promote to signed int), so overflow wraps instead of being undefined; floats stay as they are.
template <class T, bool = std::is_integral_v<T>>
struct WrappingType {
  using type = T;
};
template <class T>
struct WrappingType<T, true> {
  using type = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
};
template <class T>
using Wrapping = typename WrappingType<T>::type;

template <class T>
T divide(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) throw InputError("integer division by zero in Div");
    if constexpr (std::is_signed_v<T>)
      if (b == -1) return static_cast<T>(Wrapping<T>(0) - static_cast<Wrapping<T>>(a));  // -MIN wraps
  }
  return static_cast<T>(a / b);
}

template <class T>
void binary_reference(BinaryOp op, const BroadcastPlan& plan, const T* a, const T* b, T* y) {
  using W = Wrapping<T>;
  switch (op) {
    case BinaryOp::Add:
      return broadcast_binary(plan, a, b, y, [](T u, T v) { return static_cast<T>(static_cast<W>(u) + static_cast<W>(v)); });
    case BinaryOp::Sub:
      return broadcast_binary(plan, a, b, y, [](T u, T v) { return static_cast<T>(static_cast<W>(u) - static_cast<W>(v)); });
    case BinaryOp::Mul:
      return broadcast_binary(plan, a, b, y, [](T u, T v) { return static_cast<T>(static_cast<W>(u) * static_cast<W>(v)); });
    case BinaryOp::Div:
      return broadcast_binary(plan, a, b, y, [](T u, T v) { return divide(u, v); });
  }
}

// X ** Y with the output in X's dtype; the exponent may have another numeric dtype (ONNX's T1).
class PowKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kNumericTypes);
    ctx.require_dtype(1, kNumericTypes);
    ctx.require_same_dtype(0, 0);
    base_ = ctx.input(0).dtype;
    exponent_ = ctx.input(1).dtype;
    plan_ = plan_broadcast(ctx, ctx.output(0).shape, ctx.input(0).shape, ctx.input(1).shape);
  }

  void eval(const EvalArgs& args) const override {
    dispatch_numeric(base_, [&]<class T>(Type<T>) {
      dispatch_numeric(exponent_, [&]<class E>(Type<E>) {
        broadcast_binary(plan_, static_cast<const T*>(args.inputs[0]), static_cast<const E*>(args.inputs[1]),
                         static_cast<T*>(args.outputs[0]),
                         [](T x, E y) { return static_cast<T>(std::pow(static_cast<double>(x), static_cast<double>(y))); });
      });
    });
  }

 private:
  ir::DType base_ = ir::DType::Undefined, exponent_ = ir::DType::Undefined;
  BroadcastPlan plan_;
};

class BinaryKernel final : public Kernel {
 public:
  explicit BinaryKernel(BinaryOp op) : op_(op) {}

  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kNumericTypes);
    const Slot& a = ctx.input(0);
    const Slot& b = ctx.required_input(1, "B");
    if (b.dtype != a.dtype) ctx.fail("operands must share a dtype");
    ctx.require_same_dtype(0, 0);
    dtype_ = a.dtype;
    const ir::Shape b_shape = shape::legacy_operand_shape(ctx.node, ctx.opset, a.shape, b.shape);
    plan_ = plan_broadcast(ctx, ctx.output(0).shape, a.shape, b_shape);
  }

  void eval(const EvalArgs& args) const override {
    dispatch_numeric(dtype_, [&]<class T>(Type<T>) {
      binary_reference<T>(op_, plan_, static_cast<const T*>(args.inputs[0]), static_cast<const T*>(args.inputs[1]),
                          static_cast<T*>(args.outputs[0]));
    });
  }

 private:
  BinaryOp op_;
  ir::DType dtype_ = ir::DType::Undefined;
  BroadcastPlan plan_;
};

class PReluKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kFloatTypes);
    const Slot& x = ctx.input(0);
    const Slot& slope = ctx.required_input(1, "slope");
    if (slope.dtype != x.dtype) ctx.fail("slope must have the input's dtype");
    ctx.require_same_dtype(0, 0);
    dtype_ = x.dtype;
    const ir::Shape slope_shape = shape::prelu_slope_shape(ctx.opset, x.shape, slope.shape);
    plan_ = plan_broadcast(ctx, ctx.output(0).shape, x.shape, slope_shape);
  }

  void eval(const EvalArgs& args) const override {
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      broadcast_binary(plan_, static_cast<const T*>(args.inputs[0]), static_cast<const T*>(args.inputs[1]),
                       static_cast<T*>(args.outputs[0]), [](T x, T s) { return x < 0 ? x * s : x; });
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  BroadcastPlan plan_;
};

// out = in0 op in1, then out = out op in_k for k >= 2 (in place: each element reads only itself).
template <class T>
void variadic_reference(Variadic op, const std::vector<BroadcastPlan>& plans, std::span<const void* const> inputs,
                        T* y, int64_t count) {
  const auto in = [&](size_t i) { return static_cast<const T*>(inputs[i]); };
  if (inputs.size() == 1) {
    std::copy_n(in(0), count, y);
    return;
  }
  const auto fold = [&](auto f) {
    broadcast_binary(plans[0], in(0), in(1), y, f);
    for (size_t k = 2; k < inputs.size(); ++k) broadcast_binary(plans[k - 1], y, in(k), y, f);
  };
  switch (op) {
    case Variadic::Max: return fold([](T a, T b) { return std::max(a, b); });
    case Variadic::Min: return fold([](T a, T b) { return std::min(a, b); });
    case Variadic::Sum:
    case Variadic::Mean: fold([](T a, T b) { return static_cast<T>(a + b); });
  }
  if (op == Variadic::Mean)
    for (int64_t i = 0; i < count; ++i) y[i] = static_cast<T>(y[i] / static_cast<T>(inputs.size()));
}

class VariadicKernel final : public Kernel {
 public:
  explicit VariadicKernel(Variadic op) : op_(op) {}

  void prepare(const PrepareContext& ctx) override {
    const bool ordered = op_ == Variadic::Max || op_ == Variadic::Min;  // no arithmetic: any numeric type
    ctx.require_dtype(0, ordered ? kNumericTypes : kFloatTypes);
    ctx.require_same_dtype(0, 0);
    dtype_ = ctx.input(0).dtype;
    const ir::Shape& out = ctx.output(0).shape;
    count_ = ctx.output(0).count();
    for (size_t i = 0; i < ctx.inputs.size(); ++i) {
      const Slot& s = ctx.input(i);
      if (!s.present || s.dtype != dtype_) ctx.fail("every input must be present and share one dtype");
      if (i == 1) plans_.push_back(plan_broadcast(ctx, out, ctx.input(0).shape, s.shape));
      if (i >= 2) plans_.push_back(plan_broadcast(ctx, out, out, s.shape));
    }
    if (ctx.inputs.size() == 1 && ctx.input(0).shape != out)
      throw InternalError(ctx.node.op_type + " '" + ctx.node.name + "': one input but a different output shape");
  }

  void eval(const EvalArgs& args) const override {
    dispatch_numeric(dtype_, [&]<class T>(Type<T>) {
      variadic_reference<T>(op_, plans_, args.inputs, static_cast<T*>(args.outputs[0]), count_);
    });
  }

 private:
  Variadic op_;
  ir::DType dtype_ = ir::DType::Undefined;
  int64_t count_ = 0;
  std::vector<BroadcastPlan> plans_;  // plans_[k - 1] folds input k into the output
};

}  // namespace

std::unique_ptr<Kernel> make_variadic(Variadic op) { return std::make_unique<VariadicKernel>(op); }
std::unique_ptr<Kernel> make_binary(BinaryOp op) { return std::make_unique<BinaryKernel>(op); }
std::unique_ptr<Kernel> make_pow() { return std::make_unique<PowKernel>(); }
std::unique_ptr<Kernel> make_prelu() { return std::make_unique<PReluKernel>(); }

}  // namespace tinyc::exec::kernels
