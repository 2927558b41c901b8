// An input channel as int16 differences from the zero point inside a zero border: what a
// convolution window reads, with no bounds test left in the kernels' inner loops. Shared by the
// fast int8 Conv and DepthwiseConv.
#pragma once

#include <algorithm>
#include <cstdint>

#include "exec/int8_reference/int8_conv.h"

namespace tinyc::exec::int8_fast {

// The plane covers every position a window reads, from (-pad_top, -pad_left) on.
struct PlaneSize {
  int64_t rows = 0, cols = 0;
  int64_t count() const { return rows * cols; }
};

inline PlaneSize plane_size(const int8_reference::ConvParams& p) {
  return {(p.out_h - 1) * p.stride_h + (p.kernel_h - 1) * p.dilation_h + 1,
          (p.out_w - 1) * p.stride_w + (p.kernel_w - 1) * p.dilation_w + 1};
}

// `channel` (in_h x in_w int8) as differences from the zero point, 0 where a window reads padding.
inline void fill_plane(const int8_reference::ConvParams& p, const int8_t* channel, PlaneSize size, int16_t* plane) {
  std::fill_n(plane, size.count(), int16_t{0});
  const int64_t first = std::min(size.cols, p.pad_left), last = std::min(size.cols, p.pad_left + p.in_w);
  for (int64_t r = 0; r < size.rows; ++r) {
    const int64_t iy = r - p.pad_top;
    if (iy < 0 || iy >= p.in_h) continue;
    for (int64_t col = first; col < last; ++col)
      plane[r * size.cols + col] = static_cast<int16_t>(channel[iy * p.in_w + col - p.pad_left] - p.input_zero_point);
  }
}

}  // namespace tinyc::exec::int8_fast
