// LayerNormalization (opset 17): each row of the dims from `axis` on is normalized to zero mean and
// unit variance, y = (x - mean) / sqrt(var + epsilon) * Scale + B with Scale and B broadcast over the
// row; mean and variance are summed in double. The optional Mean and InvStdDev outputs are written
// in float32 (stash_type 1, the only one ONNX defines for float inputs).
#include <cmath>

#include "exec/kernels/factories.h"
#include "exec/kernels/broadcast.h"

namespace tinyc::exec::kernels {

namespace {

class LayerNormKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    ctx.require_dtype(0, {ir::DType::Float32});
    const Slot& x = ctx.input(0);
    const int64_t axis = ctx.normalize_axis(ctx.node.attr_int("axis", -1), x.rank());
    if (ctx.node.attr_int("stash_type", 1) != 1) ctx.fail("only stash_type 1 (float32 statistics) is supported");
    epsilon_ = ctx.node.attr_float("epsilon", 1e-5f);
    const ir::Shape row(x.shape.begin() + axis, x.shape.end());
    width_ = ir::num_elements(row);
    rows_ = width_ > 0 ? x.count() / width_ : 0;
    scale_ = broadcast_offsets(ctx, 1, row);
    bias_ = broadcast_offsets(ctx, 2, row);
  }

  void eval(const EvalArgs& args) const override {
    const auto* x = static_cast<const float*>(args.inputs[0]);
    const auto* scale = static_cast<const float*>(args.inputs[1]);
    const auto* bias = args.inputs.size() > 2 ? static_cast<const float*>(args.inputs[2]) : nullptr;
    auto* y = static_cast<float*>(args.outputs[0]);
    auto* means = args.outputs.size() > 1 ? static_cast<float*>(args.outputs[1]) : nullptr;
    auto* inverse_deviations = args.outputs.size() > 2 ? static_cast<float*>(args.outputs[2]) : nullptr;
    for (int64_t r = 0; r < rows_; ++r, x += width_, y += width_) {
      double sum = 0;
      for (int64_t i = 0; i < width_; ++i) sum += x[i];
      const double mean = sum / static_cast<double>(width_);
      double squares = 0;
      for (int64_t i = 0; i < width_; ++i) squares += (x[i] - mean) * (x[i] - mean);
      const double inverse = 1.0 / std::sqrt(squares / static_cast<double>(width_) + epsilon_);
      for (int64_t i = 0; i < width_; ++i) {
        const double normalized = (x[i] - mean) * inverse * scale[scale_[static_cast<size_t>(i)]];
        y[i] = static_cast<float>(bias ? normalized + bias[bias_[static_cast<size_t>(i)]] : normalized);
      }
      if (means) means[r] = static_cast<float>(mean);
      if (inverse_deviations) inverse_deviations[r] = static_cast<float>(inverse);
    }
  }

 private:
  // For each element of a row, the offset of the Scale or B element it reads (right-aligned
  // broadcasting); empty when the input is absent.
  static std::vector<int64_t> broadcast_offsets(const PrepareContext& ctx, size_t input, const ir::Shape& row) {
    const Slot& p = ctx.input(input);
    if (!p.present) {
      if (input == 1) ctx.fail("Scale is required");
      return {};
    }
    if (p.dtype != ir::DType::Float32) ctx.fail("Scale and B must be float32");
    const BroadcastPlan plan = plan_broadcast(ctx, row, row, p.shape);
    const auto last = static_cast<size_t>(plan.rank - 1);
    std::vector<int64_t> offsets(static_cast<size_t>(ir::num_elements(row)), 0);
    for_each_broadcast_row(plan, [&](int64_t o, int64_t, int64_t ib) {
      for (int64_t i = 0; i < plan.dims[last]; ++i) offsets[static_cast<size_t>(o + i)] = ib + i * plan.stride_b[last];
    });
    return offsets;
  }

  float epsilon_ = 1e-5f;
  int64_t rows_ = 0, width_ = 0;
  std::vector<int64_t> scale_, bias_;
};

}  // namespace

std::unique_ptr<Kernel> make_layer_norm() { return std::make_unique<LayerNormKernel>(); }

}  // namespace tinyc::exec::kernels
