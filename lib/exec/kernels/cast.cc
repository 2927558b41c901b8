// Cast between every numeric dtype, bool and float16. Float to integer truncates toward zero and
// saturates at the target's limits (NaN gives 0), so out-of-range values are defined; anything to
// bool is "!= 0"; float16 goes through float (Eigen::half rounds to nearest even).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include <Eigen/Core>

#include "exec/kernels/factories.h"

namespace tinyc::exec::kernels {

namespace {

// Calls f(Type<T>{}) for every dtype Cast handles.
template <class F>
void dispatch_castable(ir::DType dtype, F&& f) {
  switch (dtype) {
    case ir::DType::Bool: return f(Type<bool>{});
    case ir::DType::Float16: return f(Type<Eigen::half>{});
    default: return dispatch_numeric(dtype, std::forward<F>(f));
  }
}

template <class To, class From>
To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_same_v<From, Eigen::half>) {
    return convert<To>(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, Eigen::half>) {
    return Eigen::half(static_cast<float>(v));
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    if (std::isnan(v)) return To(0);
    if (v <= static_cast<From>(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

template <class From, class To>
void cast_reference(std::span<const From> x, std::span<To> y) {
  for (size_t i = 0; i < x.size(); ++i) y[i] = convert<To>(x[i]);
}

bool castable(ir::DType t) {
  return t == ir::DType::Bool || t == ir::DType::Float16 ||
         std::find(kNumericTypes.begin(), kNumericTypes.end(), t) != kNumericTypes.end();
}

class CastKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    from_ = ctx.required_input(0, "input").dtype;
    to_ = ctx.output(0).dtype;
    if (!castable(from_) || !castable(to_))
      ctx.fail("cast from " + std::string(ir::dtype_name(from_)) + " to " + std::string(ir::dtype_name(to_)) +
               " is not supported");
    count_ = ctx.input(0).count();
  }

  void eval(const EvalArgs& args) const override {
    dispatch_castable(from_, [&]<class From>(Type<From>) {
      dispatch_castable(to_, [&]<class To>(Type<To>) {
        cast_reference<From, To>(args.in<From>(0, count_), args.out<To>(0, count_));
      });
    });
  }

 private:
  ir::DType from_ = ir::DType::Undefined, to_ = ir::DType::Undefined;
  int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_cast() { return std::make_unique<CastKernel>(); }

}  // namespace tinyc::exec::kernels
