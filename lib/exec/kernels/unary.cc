// Unary elementwise kernels: activations (Relu, Sigmoid, Tanh, LeakyRelu, HardSigmoid, HardSwish, Gelu),
// math (Abs, Neg, Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Erf) and Clip. Formulas from the ONNX
// operator specs; Clip applies min first, then max (so min > max gives max).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "exec/kernels/factories.h"

namespace tinyc::exec::kernels {

namespace {

template <class T, class F>
void map_elements(std::span<const T> x, std::span<T> y, F f) {
  for (size_t i = 0; i < x.size(); ++i) y[i] = f(x[i]);
}

// -v, wrapping for the most negative integer (numpy's result) instead of overflowing.
template <class T>
T negate(T v) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(U(0) - static_cast<U>(v)));
  } else {
    return -v;
  }
}

// Gelu(x) = x * Phi(x) (approximate = "none"), or its tanh form (approximate = "tanh").
template <class T>
T gelu(T v, bool tanh_form) {
  if (tanh_form) {
    const T sqrt_2_over_pi = T(0.7978845608028654);
    return T(0.5) * v * (T(1) + std::tanh(sqrt_2_over_pi * (v + T(0.044715) * v * v * v)));
  }
  return T(0.5) * v * (T(1) + std::erf(v * T(0.7071067811865476)));
}

// Relu, Abs and Neg run on signed integers too; the rest only on floats (prepare() checks). Gelu's
// alpha is 1 for the tanh form.
template <class T>
void unary_reference(Unary op, T alpha, T beta, std::span<const T> x, std::span<T> y) {
  switch (op) {
    case Unary::Relu: return map_elements(x, y, [](T v) { return v > T(0) ? v : T(0); });
    case Unary::Abs: return map_elements(x, y, [](T v) { return v < T(0) ? negate(v) : v; });
    case Unary::Neg: return map_elements(x, y, [](T v) { return negate(v); });
    default: break;
  }
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case Unary::Sigmoid: return map_elements(x, y, [](T v) { return T(1) / (T(1) + std::exp(-v)); });
      case Unary::Tanh: return map_elements(x, y, [](T v) { return std::tanh(v); });
      case Unary::LeakyRelu: return map_elements(x, y, [=](T v) { return v < T(0) ? alpha * v : v; });
      case Unary::HardSigmoid:
        return map_elements(x, y, [=](T v) { return std::clamp(alpha * v + beta, T(0), T(1)); });
      case Unary::HardSwish:
        return map_elements(x, y, [](T v) { return v * std::clamp(v / T(6) + T(0.5), T(0), T(1)); });
      case Unary::Exp: return map_elements(x, y, [](T v) { return std::exp(v); });
      case Unary::Log: return map_elements(x, y, [](T v) { return std::log(v); });
      case Unary::Sqrt: return map_elements(x, y, [](T v) { return std::sqrt(v); });
      case Unary::Reciprocal: return map_elements(x, y, [](T v) { return T(1) / v; });
      case Unary::Floor: return map_elements(x, y, [](T v) { return std::floor(v); });
      case Unary::Ceil: return map_elements(x, y, [](T v) { return std::ceil(v); });
      case Unary::Erf: return map_elements(x, y, [](T v) { return std::erf(v); });
      case Unary::Gelu: return map_elements(x, y, [=](T v) { return gelu(v, alpha != T(0)); });
      default: break;
    }
  }
  throw InternalError("unary kernel reached eval with an unsupported dtype");
}

class UnaryKernel final : public Kernel {
 public:
  explicit UnaryKernel(Unary op) : op_(op) {}

  void prepare(const PrepareContext& ctx) override {
    if (op_ == Unary::Relu || op_ == Unary::Abs || op_ == Unary::Neg) {
      ctx.require_dtype(0, {ir::DType::Float32, ir::DType::Float64, ir::DType::Int8, ir::DType::Int16,
                            ir::DType::Int32, ir::DType::Int64});
    } else {
      ctx.require_dtype(0, kFloatTypes);
    }
    ctx.require_same_dtype(0, 0);
    dtype_ = ctx.input(0).dtype;
    count_ = ctx.input(0).count();
    const bool leaky = op_ == Unary::LeakyRelu;
    alpha_ = ctx.node.attr_float("alpha", leaky ? 0.01f : 0.2f);
    if (op_ == Unary::Gelu) {
      const std::string form = ctx.node.attr_string("approximate", "none");
      if (form != "none" && form != "tanh") ctx.fail("approximate must be 'none' or 'tanh', got '" + form + "'");
      alpha_ = form == "tanh" ? 1.0f : 0.0f;
    }
    beta_ = ctx.node.attr_float("beta", 0.5f);
  }

  void eval(const EvalArgs& args) const override {
    dispatch_numeric(dtype_, [&]<class T>(Type<T>) {
      unary_reference<T>(op_, static_cast<T>(alpha_), static_cast<T>(beta_), args.in<T>(0, count_),
                              args.out<T>(0, count_));
    });
  }

 private:
  Unary op_;
  ir::DType dtype_ = ir::DType::Undefined;
  int64_t count_ = 0;
  float alpha_ = 0, beta_ = 0;
};

template <class T>
void clip_reference(T lo, T hi, std::span<const T> x, std::span<T> y) {
  map_elements(x, y, [=](T v) { return std::min(std::max(v, lo), hi); });
}

// Before opset 11 the bounds are float attributes; since then optional scalar inputs 1 and 2.
class ClipKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kNumericTypes);
    ctx.require_same_dtype(0, 0);
    dtype_ = ctx.input(0).dtype;
    count_ = ctx.input(0).count();
    if (ctx.opset < 11) {
      min_attr_ = ctx.node.attr_float("min", -std::numeric_limits<float>::infinity());
      max_attr_ = ctx.node.attr_float("max", std::numeric_limits<float>::infinity());
      return;
    }
    for (size_t i : {1, 2}) {
      const Slot& bound = ctx.input(i);
      if (bound.present && (bound.dtype != dtype_ || bound.count() != 1))
        ctx.fail(std::string(i == 1 ? "min" : "max") + " must be a single " + std::string(ir::dtype_name(dtype_)));
    }
    has_min_input_ = ctx.input(1).present;
    has_max_input_ = ctx.input(2).present;
  }

  void eval(const EvalArgs& args) const override {
    dispatch_numeric(dtype_, [&]<class T>(Type<T>) {
      T lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
      if constexpr (std::is_floating_point_v<T>) {
        lo = static_cast<T>(min_attr_);
        hi = static_cast<T>(max_attr_);
      }
      if (has_min_input_) lo = *static_cast<const T*>(args.inputs[1]);
      if (has_max_input_) hi = *static_cast<const T*>(args.inputs[2]);
      clip_reference<T>(lo, hi, args.in<T>(0, count_), args.out<T>(0, count_));
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  int64_t count_ = 0;
  float min_attr_ = -std::numeric_limits<float>::infinity();
  float max_attr_ = std::numeric_limits<float>::infinity();
  bool has_min_input_ = false, has_max_input_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_unary(Unary op) { return std::make_unique<UnaryKernel>(op); }
std::unique_ptr<Kernel> make_clip() { return std::make_unique<ClipKernel>(); }

}  // namespace tinyc::exec::kernels
