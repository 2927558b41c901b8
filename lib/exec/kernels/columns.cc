// Conv-family operand checks; copies resolved window geometry into the fixed-size form eval()
// walks, and clamps the 2-D one.
#include "exec/kernels/columns.h"

#include <algorithm>

namespace tinyc::exec::kernels {

InsideRange inside_range(int64_t count, int64_t in_count, int64_t step, int64_t offset) {
  InsideRange r;
  r.input_offset = offset;
  r.begin = std::min(count, offset >= 0 ? 0 : (-offset + step - 1) / step);
  const int64_t last_input = in_count - 1 - offset;
  r.end = std::max(r.begin, last_input < 0 ? 0 : std::min(count, last_input / step + 1));
  return r;
}

int64_t check_conv_operands(const PrepareContext& ctx) {
  ctx.require_dtype(0, kFloatTypes);
  const Slot& x = ctx.input(0);
  const Slot& w = ctx.required_input(1, "weights");
  if (x.rank() < 3) ctx.fail("input must have rank >= 3 (N x C x spatial), got " + ir::shape_to_string(x.shape));
  if (w.dtype != x.dtype || w.rank() != x.rank())
    ctx.fail("weights must have the input's dtype and rank, got " + ir::shape_to_string(w.shape));
  const int64_t groups = ctx.node.attr_int("group", 1);
  if (groups < 1) ctx.fail("group must be >= 1, got " + std::to_string(groups));
  return groups;
}

bool check_conv_bias(const PrepareContext& ctx, int64_t out_channels) {
  const Slot& bias = ctx.input(2);
  const ir::DType dtype = ctx.input(0).dtype;
  if (bias.present && (bias.dtype != dtype || bias.shape != ir::Shape{out_channels}))
    ctx.fail("bias must be a vector of " + std::to_string(out_channels) + " " + std::string(ir::dtype_name(dtype)));
  return bias.present;
}

std::vector<int64_t> spatial_dims(const ir::Shape& shape) {
  return shape.size() > 2 ? std::vector<int64_t>(shape.begin() + 2, shape.end()) : std::vector<int64_t>{};
}

ColumnGeometry make_column_geometry(const PrepareContext& ctx, const shape::WindowGeometry& window,
                                    const std::vector<int64_t>& columns, const std::vector<int64_t>& targets) {
  const size_t rank = columns.size();
  if (rank == 0 || rank > kMaxRank)
    ctx.fail("needs 1 to " + std::to_string(kMaxRank) + " spatial dims, got " + std::to_string(rank));
  if (targets.size() != rank || window.kernel.size() != rank)
    throw InternalError("window geometry of node '" + ctx.node.name + "' has mismatched ranks");
  ColumnGeometry g;
  g.rank = static_cast<int64_t>(rank);
  for (size_t d = 0; d < rank; ++d) {
    g.columns[d] = columns[d];
    g.targets[d] = targets[d];
    g.kernel[d] = window.kernel[d];
    g.strides[d] = window.strides[d];
    g.dilations[d] = window.dilations[d];
    g.pads[d] = window.pads_begin[d];
    g.column_count *= columns[d];
    g.target_count *= targets[d];
    g.kernel_count *= window.kernel[d];
  }
  return g;
}

std::optional<PlaneWindow> plane_window(const ColumnGeometry& g) {
  if (g.rank < 1 || g.rank > 2) return std::nullopt;
  PlaneWindow p;
  if (g.rank == 2) {
    p.in_h = g.targets[0];
    p.out_h = g.columns[0];
    p.kernel_h = g.kernel[0];
    p.stride_h = g.strides[0];
    p.dilation_h = g.dilations[0];
    p.pad_h = g.pads[0];
  }
  const size_t w_axis = static_cast<size_t>(g.rank - 1);
  p.in_w = g.targets[w_axis];
  p.out_w = g.columns[w_axis];
  p.kernel_w = g.kernel[w_axis];
  p.stride_w = g.strides[w_axis];
  p.dilation_w = g.dilations[w_axis];
  p.pad_w = g.pads[w_axis];
  for (int64_t oh = 0; oh < p.out_h; ++oh)
    p.row_spans.push_back(inside_range(p.kernel_h, p.in_h, p.dilation_h, oh * p.stride_h - p.pad_h));
  for (int64_t ow = 0; ow < p.out_w; ++ow)
    p.col_spans.push_back(inside_range(p.kernel_w, p.in_w, p.dilation_w, ow * p.stride_w - p.pad_w));
  return p;
}

}  // namespace tinyc::exec::kernels
