// BatchNormalization in inference mode: y = (x - mean) / sqrt(var + epsilon) * scale + bias per
// channel (dim 1), computed as y = x * a + b with a = scale / sqrt(var + epsilon), b = bias - mean * a.
#include <cmath>

#include "exec/kernels/factories.h"

namespace tinyc::exec::kernels {

namespace {

struct BatchNormParams {
  int64_t batch = 0, channels = 0, plane = 0;
  float epsilon = 1e-5f;
};

// No accumulation: one multiply-add per element.
template <class T>
void batch_norm_reference(const BatchNormParams& p, const T* x, const T* scale, const T* bias, const T* mean,
                          const T* var, T* y) {
  for (int64_t c = 0; c < p.channels; ++c) {
    const T a = scale[c] / std::sqrt(var[c] + static_cast<T>(p.epsilon));
    const T b = bias[c] - mean[c] * a;
    for (int64_t n = 0; n < p.batch; ++n) {
      const int64_t base = (n * p.channels + c) * p.plane;
      for (int64_t i = 0; i < p.plane; ++i) y[base + i] = x[base + i] * a + b;
    }
  }
}

class BatchNormKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, kFloatTypes);
    ctx.require_same_dtype(0, 0);
    const Slot& x = ctx.input(0);
    if (x.rank() < 2) ctx.fail("input must have rank >= 2 (N x C x ...), got " + ir::shape_to_string(x.shape));
    if (ctx.node.attr_int("training_mode", 0) != 0 || ctx.outputs.size() > 1)
      ctx.fail("training-mode BatchNormalization is not supported; export the model for inference");
    if (ctx.node.attr_int("spatial", 1) == 0)
      ctx.fail("spatial=0 (per-activation statistics) is not supported");
    dtype_ = x.dtype;
    p_.batch = x.shape[0];
    p_.channels = x.shape[1];
    p_.plane = ir::num_elements({x.shape.begin() + 2, x.shape.end()});
    p_.epsilon = ctx.node.attr_float("epsilon", 1e-5f);
    const char* names[] = {"scale", "bias", "mean", "var"};
    for (size_t i = 1; i <= 4; ++i) {
      const Slot& s = ctx.required_input(i, names[i - 1]);
      if (s.dtype != dtype_ || s.shape != ir::Shape{p_.channels})
        ctx.fail(std::string(names[i - 1]) + " must be a vector of " + std::to_string(p_.channels) + " " +
                 std::string(ir::dtype_name(dtype_)) + ", got " + std::string(ir::dtype_name(s.dtype)) + " " +
                 ir::shape_to_string(s.shape));
    }
  }

  void eval(const EvalArgs& args) const override {
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      const auto in = [&](size_t i) { return static_cast<const T*>(args.inputs[i]); };
      batch_norm_reference<T>(p_, in(0), in(1), in(2), in(3), in(4), static_cast<T*>(args.outputs[0]));
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  BatchNormParams p_;
};

}  // namespace

std::unique_ptr<Kernel> make_batch_norm() { return std::make_unique<BatchNormKernel>(); }

}  // namespace tinyc::exec::kernels
