// ConvTranspose (N-D, grouped, pads/strides/dilations/output_padding/output_shape/auto_pad) as
// GEMM + col2im. Per image and group: columns[(m, k), i] = sum over c of w[c, (m, k)] * x[c, i],
// then y[m, i * stride - pad + k * dilation] += columns[(m, k), i], starting from the bias.
#include <algorithm>

#include <Eigen/Core>

#include "exec/kernels/columns.h"
#include "exec/kernels/factories.h"

namespace tinyc::exec::kernels {

namespace {

struct ConvTransposeParams {
  ColumnGeometry geometry;  // columns = input grid, targets = output grid
  int64_t batch = 0;
  int64_t groups = 1;
  int64_t group_in = 0;
  int64_t group_out = 0;
  bool has_bias = false;
};

template <class T>
void col2im(const ColumnGeometry& g, int64_t channels, const T* columns, T* y) {
  const T* row = columns;
  for (int64_t m = 0; m < channels; ++m) {
    T* plane = y + m * g.target_count;
    std::array<int64_t, kMaxRank> k{};
    for (int64_t kk = 0; kk < g.kernel_count; ++kk) {
      for_each_column(g, k, [&](int64_t j, int64_t t) {
        if (t >= 0) plane[t] += row[j];
      });
      row += g.column_count;
      next_kernel_offset(g, k);
    }
  }
}

// Accumulation: each output sums up to group_in * kernel_count products in T.
template <class T>
void conv_transpose_reference(const ConvTransposeParams& p, const T* x, const T* w, const T* bias, T* y,
                              T* columns) {
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const ColumnGeometry& g = p.geometry;
  const int64_t depth = p.group_out * g.kernel_count;
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t grp = 0; grp < p.groups; ++grp) {
      Eigen::Map<const Matrix> weights(w + grp * p.group_in * depth, p.group_in, depth);
      Eigen::Map<const Matrix> input(x + (n * p.groups + grp) * p.group_in * g.column_count, p.group_in,
                                     g.column_count);
      Eigen::Map<Matrix> cols(columns, depth, g.column_count);
      cols.noalias() = weights.transpose() * input;
      T* yg = y + (n * p.groups + grp) * p.group_out * g.target_count;
      for (int64_t m = 0; m < p.group_out; ++m) {
        const T init = p.has_bias ? bias[grp * p.group_out + m] : T(0);
        std::fill(yg + m * g.target_count, yg + (m + 1) * g.target_count, init);
      }
      col2im(g, p.group_out, columns, yg);
    }
  }
}

class ConvTransposeKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    p_.groups = check_conv_operands(ctx);
    const Slot& x = ctx.input(0);
    const Slot& w = ctx.input(1);
    dtype_ = x.dtype;
    if (x.shape[1] % p_.groups != 0 || w.shape[0] != x.shape[1])
      ctx.fail("input channels " + std::to_string(x.shape[1]) + " and weights " + ir::shape_to_string(w.shape) +
               " do not fit group " + std::to_string(p_.groups));
    p_.batch = x.shape[0];
    p_.group_in = x.shape[1] / p_.groups;
    p_.group_out = w.shape[1];
    const int64_t out_channels = p_.group_out * p_.groups;
    p_.has_bias = check_conv_bias(ctx, out_channels);
    const std::vector<int64_t> in_grid = spatial_dims(x.shape);
    const shape::WindowGeometry window = shape::resolve_transposed_window(ctx.node, in_grid, spatial_dims(w.shape));
    ir::Shape expected{p_.batch, out_channels};
    expected.insert(expected.end(), window.output.begin(), window.output.end());
    if (expected != ctx.output(0).shape)
      throw InternalError("ConvTranspose '" + ctx.node.name + "': output shape " +
                          ir::shape_to_string(ctx.output(0).shape) + " disagrees with the window geometry " +
                          ir::shape_to_string(expected));
    p_.geometry = make_column_geometry(ctx, window, in_grid, window.output);
    scratch_ = static_cast<size_t>(p_.group_out * p_.geometry.kernel_count * p_.geometry.column_count) *
               ir::dtype_size(dtype_);
  }

  size_t scratch_bytes() const override { return scratch_; }

  void eval(const EvalArgs& args) const override {
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      conv_transpose_reference<T>(p_, static_cast<const T*>(args.inputs[0]), static_cast<const T*>(args.inputs[1]),
                                  p_.has_bias ? static_cast<const T*>(args.inputs[2]) : nullptr,
                                  static_cast<T*>(args.outputs[0]), reinterpret_cast<T*>(args.scratch.data()));
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  ConvTransposeParams p_;
  size_t scratch_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_conv_transpose() { return std::make_unique<ConvTransposeKernel>(); }

}  // namespace tinyc::exec::kernels
