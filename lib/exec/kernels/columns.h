// Sliding-window index walks shared by Conv, ConvTranspose (col2im) and the pools.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "exec/kernels/kernel.h"
#include "exec/shape/window.h"

namespace tinyc::exec::kernels {

// A window over spatial grids: every "column" position j (a point of the grid the window slides
// over in steps) meets, for kernel offset k, the "target" point pos(j) * stride - pad + k * dilation.
// Conv and the pools slide over the output (targets are input points); ConvTranspose slides over
// its input (targets are output points).
struct ColumnGeometry {
  int64_t rank = 0;
  std::array<int64_t, kMaxRank> columns{};
  std::array<int64_t, kMaxRank> targets{};
  std::array<int64_t, kMaxRank> kernel{};
  std::array<int64_t, kMaxRank> strides{};
  std::array<int64_t, kMaxRank> dilations{};
  std::array<int64_t, kMaxRank> pads{};  // padding before the target grid
  int64_t column_count = 1;
  int64_t target_count = 1;
  int64_t kernel_count = 1;
};

// The operand checks Conv and ConvTranspose share: a float input of rank >= 3 (N x C x spatial),
// weights (input 1) of its dtype and rank, and group >= 1, which it returns. Fails through ctx.
int64_t check_conv_operands(const PrepareContext& ctx);

// True when the optional bias (input 2) is present; fails through ctx unless it is then a vector of
// `out_channels` elements of the input's dtype.
bool check_conv_bias(const PrepareContext& ctx, int64_t out_channels);

// Fails through ctx when the spatial rank is 0 or above kMaxRank.
ColumnGeometry make_column_geometry(const PrepareContext& ctx, const shape::WindowGeometry& window,
                                    const std::vector<int64_t>& columns, const std::vector<int64_t>& targets);

// Positions o in [begin, end) of a range along one axis whose target input_offset + o * step lies
// inside the target grid; the others meet padding. E.g. the kernel offsets of one column position
// (step = dilation), or the rows of a padded phase plane that hold input rows (step = stride).
struct InsideRange {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t input_offset = 0;  // target of position 0, negative when it lies in the padding
};

// The positions o in [0, count) with offset + o * step in [0, in_count).
InsideRange inside_range(int64_t count, int64_t in_count, int64_t step, int64_t offset);

// A 1-D or 2-D geometry (1-D as 2-D with one row) with, per column position, the kernel offsets
// whose target is inside resolved (row_spans, col_spans: the pools' per-window walk), so loops over
// it clamp ranges instead of testing every element for padding. "in" is the target grid and "out"
// the column grid (Conv's input and output).
struct PlaneWindow {
  int64_t in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_h = 0, pad_w = 0;        // padding before the target grid
  std::vector<InsideRange> row_spans;  // per output row oh: its kernel rows
  std::vector<InsideRange> col_spans;  // per output column ow: its kernel columns
};

// nullopt when g has more than 2 spatial dims.
std::optional<PlaneWindow> plane_window(const ColumnGeometry& g);

// Spatial dims of an N x C x spatial... shape.
std::vector<int64_t> spatial_dims(const ir::Shape& shape);

// Kernel offsets in C order: advances `k` to the next offset of g.kernel.
inline void next_kernel_offset(const ColumnGeometry& g, std::array<int64_t, kMaxRank>& k) {
  for (int64_t d = g.rank - 1; d >= 0; --d) {
    const size_t du = static_cast<size_t>(d);
    if (++k[du] < g.kernel[du]) return;
    k[du] = 0;
  }
}

// For kernel offset `k`, calls visit(j, t) for every column j in C order, with t the target's flat
// index or -1 when the target lies outside the target grid (padding).
template <class Visit>
void for_each_column(const ColumnGeometry& g, const std::array<int64_t, kMaxRank>& k, Visit&& visit) {
  const size_t last = static_cast<size_t>(g.rank - 1);
  const int64_t inner = g.columns[last];
  const int64_t inner_target = g.targets[last];
  const int64_t inner_first = k[last] * g.dilations[last] - g.pads[last];
  const int64_t inner_step = g.strides[last];
  const int64_t rows = g.column_count / (inner == 0 ? 1 : inner);
  std::array<int64_t, kMaxRank> pos{};  // outer column position
  int64_t j = 0;
  for (int64_t r = 0; r < rows && inner > 0; ++r) {
    int64_t base = 0;  // flat target index of the outer coordinates
    bool inside = true;
    for (size_t d = 0; d < last; ++d) {
      const int64_t t = pos[d] * g.strides[d] - g.pads[d] + k[d] * g.dilations[d];
      inside = inside && t >= 0 && t < g.targets[d];
      base = base * g.targets[d] + t;
    }
    for (int64_t i = 0; i < inner; ++i, ++j) {
      const int64_t t = inner_first + i * inner_step;
      visit(j, inside && t >= 0 && t < inner_target ? base * inner_target + t : int64_t{-1});
    }
    for (int64_t d = static_cast<int64_t>(last) - 1; d >= 0; --d) {
      const size_t du = static_cast<size_t>(d);
      if (++pos[du] < g.columns[du]) break;
      pos[du] = 0;
    }
  }
}

}  // namespace tinyc::exec::kernels
