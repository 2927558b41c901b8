// Conv (N-D, grouped, pads/strides/dilations/auto_pad) as one register-blocked GEMM per image and
// group (conv_gemm.h): y[m, j] = bias[m] + sum over (c, k) of w[m, (c, k)] * columns[(c, k), j].
// The columns are never built for 1-D and 2-D convs: row (c, k) is a run of channel c's padded copy
// (padded_plane.h) and the product fills a wide output plane that is compacted into y. A 1x1 window
// with stride 1 and no padding reads the input plane itself; 3-D and up copy the columns (im2col).
// 1-D and 2-D depthwise convs with several channels run direct loops instead (depthwise_conv.h).
#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "exec/kernels/columns.h"
#include "exec/kernels/conv_gemm.h"
#include "exec/kernels/depthwise_conv.h"
#include "exec/kernels/factories.h"
#include "exec/kernels/padded_plane.h"

namespace tinyc::exec::kernels {

namespace {

// Where the GEMM's columns come from.
enum class ColumnSource {
  Input,   // the input plane itself (1x1 window, stride 1, no padding)
  Padded,  // taps over padded copies of the input planes (1 or 2 spatial dims)
  Im2col,  // an im2col copy (3 or more spatial dims)
};

struct ConvParams {
  ColumnGeometry geometry;  // columns = output grid, targets = input grid
  int64_t batch = 0;
  int64_t groups = 1;
  int64_t group_in = 0;   // input channels per group
  int64_t group_out = 0;  // output channels per group
  bool has_bias = false;
  ColumnSource source = ColumnSource::Im2col;
  PaddedPlane padded;                // for ColumnSource::Padded
  std::vector<int64_t> tap_offsets;  // for ColumnSource::Padded: row (c, k) of the columns in the padded copies
  bool compact = false;              // Padded with junk columns: the product goes to a wide buffer first
  Isa isa = detected_isa();          // the product's instruction set
};

// The product of one image and group.
template <class T>
ConvGemm<T> conv_gemm_of(const ConvParams& p) {
  const int64_t columns = p.source == ColumnSource::Padded ? p.padded.wide_count : p.geometry.column_count;
  return ConvGemm<T>(p.group_out, p.group_in * p.geometry.kernel_count, columns, conv_block<T>(p.isa));
}

// Scratch layout of conv_gemm_all, in elements of T: packed weights of every group, the columns'
// source for one image and group (padded copies or im2col), the wide output, the GEMM's tail block.
template <class T>
struct ConvScratch {
  int64_t weights = 0, columns = 0, wide = 0, tail = 0;

  explicit ConvScratch(const ConvParams& p) {
    const ConvGemm<T> gemm = conv_gemm_of<T>(p);
    weights = p.groups * gemm.packed_weights_size();
    if (p.source == ColumnSource::Padded) columns = p.group_in * p.padded.size();
    if (p.source == ColumnSource::Im2col) columns = gemm.depth * gemm.columns;
    wide = p.compact ? gemm.rows * gemm.columns : 0;
    tail = p.source == ColumnSource::Padded ? 0 : gemm.tail_size();
  }
  int64_t total() const { return weights + columns + wide + tail; }
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

// Accumulation: each output adds group_in * kernel_count products to the bias in T, in order, a
// product then a sum (conv_gemm.h), on every instruction set.
template <class T>
void conv_gemm_all(const ConvParams& p, const T* x, const T* w, const T* bias, T* y, T* scratch) {
  const ColumnGeometry& g = p.geometry;
  const ConvScratch<T> layout(p);
  const ConvGemm<T> gemm = conv_gemm_of<T>(p);
  const int64_t packed_group = gemm.packed_weights_size();
  T* columns = scratch + layout.weights;
  T* wide = columns + layout.columns;
  T* tail = wide + layout.wide;
  for (int64_t grp = 0; grp < p.groups; ++grp)
    pack_conv_weights(gemm, w + grp * gemm.rows * gemm.depth, scratch + grp * packed_group);
  if (p.source == ColumnSource::Padded)
    for (int64_t c = 0; c < p.group_in; ++c) clear_padded(p.padded, columns + c * p.padded.size());
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t grp = 0; grp < p.groups; ++grp) {
      const T* xg = x + (n * p.groups + grp) * p.group_in * g.target_count;
      const T* packed = scratch + grp * packed_group;
      const T* group_bias = bias ? bias + grp * gemm.rows : nullptr;
      T* out = y + (n * p.groups + grp) * gemm.rows * g.column_count;
      switch (p.source) {
        case ColumnSource::Input:
          conv_gemm(gemm, packed, StridedColumns<T>{xg, gemm.columns}, group_bias, out, tail);
          break;
        case ColumnSource::Im2col:
          im2col(g, p.group_in, xg, columns);
          conv_gemm(gemm, packed, StridedColumns<T>{columns, gemm.columns}, group_bias, out, tail);
          break;
        case ColumnSource::Padded:
          for (int64_t c = 0; c < p.group_in; ++c)
            pad_plane(p.padded, xg + c * g.target_count, columns + c * p.padded.size());
          conv_gemm(gemm, packed, OffsetColumns<T>{columns, p.tap_offsets.data()}, group_bias, p.compact ? wide : out,
                    tail);
          for (int64_t m = 0; m < gemm.rows && p.compact; ++m)
            compact_plane(p.padded, wide + m * gemm.columns, out + m * g.column_count);
          break;
      }
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
    // One input channel feeding several outputs is a GEMM of depth kernel_count, not depthwise.
    if (p_.groups > 1)
      depthwise_ = plan_depthwise(p_.geometry, p_.batch, x.shape[1], p_.groups, p_.group_in, p_.group_out);
    choose_column_source(window, in_grid);
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      scratch_ = (depthwise_ ? depthwise_->scratch_size() : ConvScratch<T>(p_).total()) * sizeof(T);
    });
  }

  size_t scratch_bytes() const override { return scratch_; }

  void eval(const EvalArgs& args) const override {
    dispatch_float(dtype_, [&]<class T>(Type<T>) {
      const T* x = static_cast<const T*>(args.inputs[0]);
      const T* w = static_cast<const T*>(args.inputs[1]);
      const T* bias = p_.has_bias ? static_cast<const T*>(args.inputs[2]) : nullptr;
      T* y = static_cast<T*>(args.outputs[0]);
      T* scratch = reinterpret_cast<T*>(args.scratch.data());
      if (depthwise_) depthwise_conv<T>(*depthwise_, x, w, bias, y, scratch);
      else conv_gemm_all<T>(p_, x, w, bias, y, scratch);
    });
  }

 private:
  void choose_column_source(const shape::WindowGeometry& window, const std::vector<int64_t>& in_grid) {
    bool direct = p_.geometry.kernel_count == 1 && window.output == in_grid;
    for (size_t d = 0; d < in_grid.size(); ++d) direct = direct && window.strides[d] == 1 && window.pads_begin[d] == 0;
    const std::optional<PlaneWindow> plane = plane_window(p_.geometry);
    p_.source = direct ? ColumnSource::Input : plane && p_.geometry.kernel_count > 0 ? ColumnSource::Padded
                                                                                    : ColumnSource::Im2col;
    if (p_.source != ColumnSource::Padded) return;
    p_.padded = padded_plane(*plane);
    p_.compact = p_.padded.width != p_.padded.out_w;
    std::vector<int64_t> offsets;
    for (int64_t c = 0; c < p_.group_in; ++c)
      for (const int64_t tap : p_.padded.taps) offsets.push_back(c * p_.padded.size() + tap);
    p_.tap_offsets = std::move(offsets);
  }

  ir::DType dtype_ = ir::DType::Undefined;
  ConvParams p_;
  std::optional<DepthwisePlan> depthwise_;  // set when the direct depthwise loops apply
  size_t scratch_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_conv() { return std::make_unique<ConvKernel>(); }

}  // namespace tinyc::exec::kernels
