// Conv (N-D, grouped, pads/strides/dilations/auto_pad) as im2col + GEMM: a register-blocked GEMM
// (conv_gemm.h) for shallow products (e.g. a 3x3 stem over one channel), Eigen's for deep ones, where
// it measured faster; 1-D and 2-D depthwise convs with several channels run direct loops instead
// (depthwise_conv.h). Per image and group: columns[(c, k), j] = x[c, target(j, k)] (0 in padding),
// then y[m, j] = bias[m] + sum over (c, k) of w[m, (c, k)] * columns[(c, k), j].
// A 1x1 window with stride 1 and no padding uses the input plane as the columns directly.
#include <Eigen/Core>
#include <algorithm>
#include <optional>

#include "exec/kernels/columns.h"
#include "exec/kernels/conv_gemm.h"
#include "exec/kernels/depthwise_conv.h"
#include "exec/kernels/factories.h"

namespace tinyc::exec::kernels {

namespace {

struct ConvParams {
  ColumnGeometry geometry;  // columns = output grid, targets = input grid
  int64_t batch = 0;
  int64_t groups = 1;
  int64_t group_in = 0;   // input channels per group
  int64_t group_out = 0;  // output channels per group
  bool direct = false;    // columns are the input plane itself
  std::optional<PlaneWindow> plane;  // set for 1 or 2 spatial dims: im2col over clamped ranges
  bool has_bias = false;
  bool blocked = false;  // the register-blocked GEMM, else Eigen's
};

// Products at most this deep go to the register-blocked GEMM. On an AVX-512 machine it made
// fmnist_cnn_bn (a depth-9 stem) 1.45x faster than Eigen did, while Eigen ran the deeper convs
// (depth 72 to 576) of fmnist_resnet8 and fmnist_dscnn faster (resnet8 1.25x).
constexpr int64_t kBlockedGemmMaxDepth = 32;

// The product of one image and group.
template <class T>
ConvGemm<T> conv_gemm_of(const ConvParams& p) {
  return ConvGemm<T>(p.group_out, p.group_in * p.geometry.kernel_count, p.geometry.column_count);
}

// Scratch layout of conv_reference, in elements of T: packed weights of every group, then the
// columns of one image and group, then the GEMM's tail block.
template <class T>
struct ConvScratch {
  int64_t weights = 0, columns = 0, tail = 0;

  explicit ConvScratch(const ConvParams& p) {
    const ConvGemm<T> gemm = conv_gemm_of<T>(p);
    weights = p.blocked ? p.groups * gemm.packed_weights_size() : 0;
    columns = p.direct ? 0 : gemm.depth * gemm.columns;
    tail = p.blocked ? gemm.tail_size() : 0;
  }
  int64_t total() const { return weights + columns + tail; }
};

// N-D im2col: one visit per column element, testing each target for padding.
template <class T>
void im2col(const ColumnGeometry& g, int64_t channels, const T* x, T* columns) {
  T* row = columns;
  for (int64_t c = 0; c < channels; ++c) {
    const T* plane = x + c * g.target_count;
    std::array<int64_t, kMaxRank> k{};
    for (int64_t kk = 0; kk < g.kernel_count; ++kk) {
      for_each_column(g, k, [&](int64_t j, int64_t t) { row[j] = t < 0 ? T(0) : plane[t]; });
      row += g.column_count;
      next_kernel_offset(g, k);
    }
  }
}

// 1-D / 2-D im2col over clamped ranges: per output row, zeros where the window meets padding and
// a (strided) copy of one input row in between.
template <class T>
void im2col(const PlaneWindow& g, int64_t channels, const T* x, T* columns) {
  T* row = columns;
  for (int64_t c = 0; c < channels; ++c) {
    const T* plane = x + c * g.in_h * g.in_w;
    for (const InsideRange& rows : g.rows) {
      for (const InsideRange& cols : g.cols) {
        std::fill(row, row + rows.begin * g.out_w, T(0));
        for (int64_t oh = rows.begin; oh < rows.end; ++oh) {
          T* out = row + oh * g.out_w;
          const T* in = plane + (rows.input_offset + oh * g.stride_h) * g.in_w;  // the input row
          std::fill(out, out + cols.begin, T(0));
          if (g.stride_w == 1 && cols.begin < cols.end)
            std::copy_n(in + cols.input_offset + cols.begin, cols.end - cols.begin, out + cols.begin);
          else if (g.stride_w != 1)
            for (int64_t ow = cols.begin; ow < cols.end; ++ow) out[ow] = in[cols.input_offset + ow * g.stride_w];
          std::fill(out + cols.end, out + g.out_w, T(0));
        }
        std::fill(row + rows.end * g.out_w, row + g.out_h * g.out_w, T(0));
        row += g.out_h * g.out_w;
      }
    }
  }
}

// y = w x columns (+ bias) of one image and group with Eigen.
template <class T>
void eigen_gemm(const ConvGemm<T>& gemm, const T* w, const T* columns, const T* bias, T* y) {
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  Eigen::Map<Matrix> out(y, gemm.rows, gemm.columns);
  out.noalias() = Eigen::Map<const Matrix>(w, gemm.rows, gemm.depth) * Eigen::Map<const Matrix>(columns, gemm.depth, gemm.columns);
  if (bias) out.colwise() += Eigen::Map<const Vector>(bias, gemm.rows);
}

// Accumulation: each output sums group_in * kernel_count products in T.
template <class T>
void conv_reference(const ConvParams& p, const T* x, const T* w, const T* bias, T* y, T* scratch) {
  const ColumnGeometry& g = p.geometry;
  const ConvScratch<T> layout(p);
  const ConvGemm<T> gemm = conv_gemm_of<T>(p);
  const int64_t packed_group = gemm.packed_weights_size();
  T* columns = scratch + layout.weights;
  T* tail = columns + layout.columns;
  if (p.blocked)
    for (int64_t grp = 0; grp < p.groups; ++grp)
      pack_conv_weights(gemm, w + grp * gemm.rows * gemm.depth, scratch + grp * packed_group);
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t grp = 0; grp < p.groups; ++grp) {
      const T* xg = x + (n * p.groups + grp) * p.group_in * g.target_count;
      if (!p.direct && p.plane) im2col(*p.plane, p.group_in, xg, columns);
      if (!p.direct && !p.plane) im2col(g, p.group_in, xg, columns);
      const T* cols = p.direct ? xg : columns;
      const T* group_bias = bias ? bias + grp * gemm.rows : nullptr;
      T* out = y + (n * p.groups + grp) * gemm.rows * g.column_count;
      if (p.blocked)
        conv_gemm(gemm, scratch + grp * packed_group, cols, group_bias, out, tail);
      else
        eigen_gemm(gemm, w + grp * gemm.rows * gemm.depth, cols, group_bias, out);
    }
  }
}

class ConvKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    p_.groups = check_conv_operands(ctx);
    const Slot& x = ctx.input(0);
    const Slot& w = ctx.input(1);
    dtype_ = x.dtype;
    p_.batch = x.shape[0];
    p_.group_in = w.shape[1];
    const int64_t out_channels = w.shape[0];
    if (x.shape[1] != p_.group_in * p_.groups || out_channels % p_.groups != 0)
      ctx.fail("input channels " + std::to_string(x.shape[1]) + " and weights " + ir::shape_to_string(w.shape) +
               " do not fit group " + std::to_string(p_.groups));
    p_.group_out = out_channels / p_.groups;
    p_.has_bias = check_conv_bias(ctx, out_channels);
    const std::vector<int64_t> in_grid = spatial_dims(x.shape);
    const shape::WindowGeometry window = shape::resolve_window(ctx.node, in_grid, spatial_dims(w.shape), false);
    ir::Shape expected{p_.batch, out_channels};
    expected.insert(expected.end(), window.output.begin(), window.output.end());
    if (expected != ctx.output(0).shape)
      throw InternalError("Conv '" + ctx.node.name + "': output shape " + ir::shape_to_string(ctx.output(0).shape) +
                          " disagrees with the window geometry " + ir::shape_to_string(expected));
    p_.geometry = make_column_geometry(ctx, window, window.output, in_grid);
    p_.plane = plane_window(p_.geometry);
    // One input channel feeding several outputs is a GEMM of depth kernel_count, not depthwise.
    if (p_.groups > 1)
      depthwise_ = plan_depthwise(p_.geometry, p_.batch, x.shape[1], p_.groups, p_.group_in, p_.group_out);
    p_.direct = p_.geometry.kernel_count == 1 && window.output == in_grid;
    for (size_t d = 0; d < in_grid.size(); ++d)
      p_.direct = p_.direct && window.strides[d] == 1 && window.pads_begin[d] == 0;
    p_.blocked = p_.group_in * p_.geometry.kernel_count <= kBlockedGemmMaxDepth;
    if (depthwise_) scratch_ = 0;
    else dispatch_float(dtype_, [&]<class T>(Type<T>) { scratch_ = ConvScratch<T>(p_).total() * sizeof(T); });
  }

  size_t scratch_bytes() const override { return scratch_; }

  void eval(const EvalArgs& args) const override {
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      const T* x = static_cast<const T*>(args.inputs[0]);
      const T* w = static_cast<const T*>(args.inputs[1]);
      const T* bias = p_.has_bias ? static_cast<const T*>(args.inputs[2]) : nullptr;
      T* y = static_cast<T*>(args.outputs[0]);
      if (depthwise_) depthwise_conv<T>(*depthwise_, x, w, bias, y);
      else conv_reference<T>(p_, x, w, bias, y, reinterpret_cast<T*>(args.scratch.data()));
    });
  }

 private:
  ir::DType dtype_ = ir::DType::Undefined;
  ConvParams p_;
  std::optional<DepthwisePlan> depthwise_;  // set when the direct depthwise loops apply
  size_t scratch_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_conv() { return std::make_unique<ConvKernel>(); }

}  // namespace tinyc::exec::kernels
