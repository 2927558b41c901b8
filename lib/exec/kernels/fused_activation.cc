// Fused activation clamp wrapped around an op's kernel.
#include "exec/kernels/fused_activation.h"

#include <algorithm>
#include <limits>

#include "exec/isa.h"
#include "exec/kernels/vectors.h"

namespace tinyc::exec::kernels {

namespace {

// v = min(max(v, lo), hi) element-wise as std::min(std::max(v, lo), hi): NaN stays NaN, as in ONNX
// Clip. In vectors of Bytes bytes because -O2 leaves the plain loop scalar (it was a tenth of
// fmnist_dscnn's run time).
template <class T, int Bytes>
[[gnu::always_inline]] inline void clamp_on(std::span<T> v, T lo, T hi) {
  using Vector = typename VectorOf<T, Bytes>::type;
  constexpr size_t P = Bytes / sizeof(T);
  Vector low, high;
  broadcast<T, Bytes>(low, lo);
  broadcast<T, Bytes>(high, hi);
  size_t i = 0;
  for (; i + P <= v.size(); i += P) {
    Vector x;
    load<T, Bytes>(x, v.data() + i);
    x = x < low ? low : x;
    x = high < x ? high : x;
    store<T, Bytes>(v.data() + i, x);
  }
  for (; i < v.size(); ++i) v[i] = std::min(std::max(v[i], lo), hi);
}

template <class T>
void clamp_portable(std::span<T> v, T lo, T hi) {
  clamp_on<T, 16>(v, lo, hi);
}

#if TINYC_X86_KERNELS
template <class T>
TINYC_AVX2 void clamp_avx2(std::span<T> v, T lo, T hi) {
  clamp_on<T, 32>(v, lo, hi);
}

template <class T>
TINYC_AVX512 void clamp_avx512(std::span<T> v, T lo, T hi) {
  clamp_on<T, 64>(v, lo, hi);
}
#endif

// Runs the op's own kernel into the output buffer, then clamps output 0 in place.
class FusedActivationKernel final : public Kernel {
 public:
  explicit FusedActivationKernel(std::unique_ptr<Kernel> op) : op_(std::move(op)) {}

  void prepare(const PrepareContext& ctx) override {
    op_->prepare(ctx);
    const Slot& out = ctx.output(0);
    if (!out.present || (out.dtype != ir::DType::Float32 && out.dtype != ir::DType::Float64))
      ctx.fail("the fused activation (activation_min/max) cannot be applied: output 0 is " +
               std::string(ir::dtype_name(out.dtype)) + " and this op's kernel does not clamp it itself");
    constexpr float kInf = std::numeric_limits<float>::infinity();
    min_ = ctx.node.attr_float("activation_min", -kInf);
    max_ = ctx.node.attr_float("activation_max", kInf);
    dtype_ = out.dtype;
    count_ = out.count();
  }

  size_t scratch_bytes() const override { return op_->scratch_bytes(); }
  bool mixes_axis0() const override { return op_->mixes_axis0(); }

  // One compare pair per element, no accumulation.
  void eval(const EvalArgs& args) const override {
    op_->eval(args);
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      clamp_values(isa_, args.out<T>(0, count_), static_cast<T>(min_), static_cast<T>(max_));
    });
  }

 private:
  std::unique_ptr<Kernel> op_;
  float min_ = 0, max_ = 0;
  ir::DType dtype_ = ir::DType::Undefined;
  int64_t count_ = 0;
  Isa isa_ = detected_isa();
};

}  // namespace

template <class T>
void clamp_values(Isa isa, std::span<T> v, T lo, T hi) {
#if TINYC_X86_KERNELS
  if (isa == Isa::avx512) return clamp_avx512(v, lo, hi);
  if (isa == Isa::avx2) return clamp_avx2(v, lo, hi);
#endif
  clamp_portable(v, lo, hi);
}

template void clamp_values<float>(Isa, std::span<float>, float, float);
template void clamp_values<double>(Isa, std::span<double>, double, double);

std::unique_ptr<Kernel> with_fused_activation(const ir::Node& node, std::unique_ptr<Kernel> kernel) {
  if (!node.has_attr("activation_min") && !node.has_attr("activation_max")) return kernel;
  if (kernel->applies_fused_activation()) return kernel;
  return std::make_unique<FusedActivationKernel>(std::move(kernel));
}

}  // namespace tinyc::exec::kernels
