// Fused activation clamp wrapped around an op's kernel.
#include "exec/kernels/fused_activation.h"

#include <algorithm>
#include <limits>

#include "exec/kernels/simd.h"

namespace tinyc::exec::kernels {

namespace {

// v = min(max(v, lo), hi) element-wise, NaN staying NaN as in ONNX Clip; in SIMD packets because
// -O2 leaves the plain loop scalar (it was a tenth of fmnist_dscnn's run time).
template <class T>
void clamp(std::span<T> v, T lo, T hi) {
  using namespace Eigen::internal;
  using Packet = SimdPacket<T>;
  constexpr size_t P = kSimdLanes<T>;
  const Packet low = pset1<Packet>(lo), high = pset1<Packet>(hi);
  size_t i = 0;
  for (; i + P <= v.size(); i += P)
    pstoreu(v.data() + i, pmin<Eigen::PropagateNaN>(pmax<Eigen::PropagateNaN>(ploadu<Packet>(v.data() + i), low), high));
  for (; i < v.size(); ++i) v[i] = std::min(std::max(v[i], lo), hi);
}

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
      clamp(args.out<T>(0, count_), static_cast<T>(min_), static_cast<T>(max_));
    });
  }

 private:
  std::unique_ptr<Kernel> op_;
  float min_ = 0, max_ = 0;
  ir::DType dtype_ = ir::DType::Undefined;
  int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> with_fused_activation(const ir::Node& node, std::unique_ptr<Kernel> kernel) {
  if (!node.has_attr("activation_min") && !node.has_attr("activation_max")) return kernel;
  if (kernel->applies_fused_activation()) return kernel;
  return std::make_unique<FusedActivationKernel>(std::move(kernel));
}

}  // namespace tinyc::exec::kernels
