// Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-D at `axis` (default 1) and
// each row of prod(dims[axis:]) elements is normalized; from opset 13 only dim `axis` (default -1)
// is normalized. Both are (outer, n, inner) walks: normalize n elements `inner` apart.
#include <algorithm>
#include <cmath>

#include "exec/kernels/factories.h"

namespace tinyc::exec::kernels {

namespace {

struct SoftmaxParams {
  int64_t outer = 1, n = 1, inner = 1;
  bool log = false;
};

// Subtracts the max before exp, so no term overflows; the sum of n terms in [0, 1] is in T.
template <class T>
void softmax_reference(const SoftmaxParams& p, const T* x, T* y) {
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t i = 0; i < p.inner; ++i) {
      const T* in = x + o * p.n * p.inner + i;
      T* out = y + o * p.n * p.inner + i;
      T max = in[0];
      for (int64_t k = 1; k < p.n; ++k) max = std::max(max, in[k * p.inner]);
      T sum = 0;
      for (int64_t k = 0; k < p.n; ++k) {
        const T e = std::exp(in[k * p.inner] - max);
        out[k * p.inner] = e;
        sum += e;
      }
      if (p.log) {
        const T log_sum = std::log(sum);
        for (int64_t k = 0; k < p.n; ++k) out[k * p.inner] = in[k * p.inner] - max - log_sum;
      } else {
        for (int64_t k = 0; k < p.n; ++k) out[k * p.inner] /= sum;
      }
    }
  }
}

class SoftmaxKernel final : public Kernel {
 public:
  explicit SoftmaxKernel(bool log) { p_.log = log; }

  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kFloatTypes);
    ctx.require_same_dtype(0, 0);
    const Slot& x = ctx.input(0);
    if (x.rank() < 1) ctx.fail("input must have rank >= 1");
    dtype_ = x.dtype;
    const bool coerce_2d = ctx.opset < 13;
    axis_ = ctx.normalize_axis(ctx.node.attr_int("axis", coerce_2d ? 1 : -1), x.rank());
    const ir::Shape& s = x.shape;
    p_.outer = ir::num_elements({s.begin(), s.begin() + axis_});
    if (coerce_2d) {
      p_.n = ir::num_elements({s.begin() + axis_, s.end()});
      p_.inner = 1;
    } else {
      p_.n = s[static_cast<size_t>(axis_)];
      p_.inner = ir::num_elements({s.begin() + axis_ + 1, s.end()});
    }
  }

  bool mixes_axis0() const override { return axis_ == 0; }

  void eval(const EvalArgs& args) const override {
    if (p_.n == 0) return;
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      softmax_reference<T>(p_, static_cast<const T*>(args.inputs[0]), static_cast<T*>(args.outputs[0]));
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  int64_t axis_ = 0;
  SoftmaxParams p_;
};

}  // namespace

std::unique_ptr<Kernel> make_softmax(bool log) { return std::make_unique<SoftmaxKernel>(log); }

}  // namespace tinyc::exec::kernels
