// An input channel as int16 differences from the zero point inside a zero border, split by stride
// phase, so that what a convolution window reads is contiguous and needs no bounds test: padded row
// r * stride_h + a and column q * stride_w + b go to row r, column q of phase plane (a, b). Output
// (oy, ox) is numbered oy * cols + ox ("pitched"; the cols - out_w last columns of a row are no
// output), and kernel tap (ky, kx) reads every output's value at that number plus one fixed offset.
// Shared by the fast int8 Conv and DepthwiseConv.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "exec/int8_reference/int8_conv.h"

namespace tinyc::exec::int8_fast {

// The phase planes of one channel: stride_h x stride_w planes of rows x cols.
struct PlaneSize {
  int64_t rows = 0, cols = 0;
  int64_t stride_h = 1, stride_w = 1;
  int64_t phase_count() const { return rows * cols; }
  int64_t count() const { return stride_h * stride_w * rows * cols; }
};

inline PlaneSize plane_size(const int8_reference::ConvParams& p) {
  return {p.out_h + (p.kernel_h - 1) * p.dilation_h / p.stride_h,
          p.out_w + (p.kernel_w - 1) * p.dilation_w / p.stride_w, p.stride_h, p.stride_w};
}

// Pitched positions up to the last output: (out_h - 1) * cols + out_w.
inline int64_t pitched_count(const int8_reference::ConvParams& p, PlaneSize size) {
  return (p.out_h - 1) * size.cols + p.out_w;
}

// Where tap (ky, kx) of pitched position 0 lies in one channel's phase planes.
inline int64_t tap_offset(const int8_reference::ConvParams& p, PlaneSize size, int64_t ky, int64_t kx) {
  const int64_t h = ky * p.dilation_h, w = kx * p.dilation_w;
  return ((h % p.stride_h) * p.stride_w + w % p.stride_w) * size.phase_count() + h / p.stride_h * size.cols +
         w / p.stride_w;
}

// `channel` (in_h x in_w int8) into its phase planes. int16 planes hold x - z_in (padding 0), the
// u8 product's planes x + 128 (padding z_in + 128): both are what TFLite's padding with the zero
// point contributes nothing for.
template <class T>
void fill_plane(const int8_reference::ConvParams& p, const int8_t* __restrict channel, PlaneSize size,
                T* __restrict plane) {
  static_assert(std::is_same_v<T, int16_t> || std::is_same_v<T, uint8_t>);
  constexpr bool kUnsigned = std::is_same_v<T, uint8_t>;
  const int32_t offset = kUnsigned ? 128 : -p.input_zero_point;
  std::fill_n(plane, size.count(), static_cast<T>(kUnsigned ? p.input_zero_point + 128 : 0));
  for (int64_t a = 0; a < p.stride_h; ++a)
    for (int64_t b = 0; b < p.stride_w; ++b) {
      T* __restrict phase = plane + (a * p.stride_w + b) * size.phase_count();
      // Phase column q holds input column q * stride_w + first_x: q in [q_begin, q_end) are inside.
      const int64_t first_x = b - p.pad_left;
      const int64_t q_begin = std::min(size.cols, first_x >= 0 ? 0 : (-first_x + p.stride_w - 1) / p.stride_w);
      const int64_t last = p.in_w - 1 - first_x;
      const int64_t q_end = std::max(q_begin, last < 0 ? 0 : std::min(size.cols, last / p.stride_w + 1));
      for (int64_t r = 0; r < size.rows; ++r) {
        const int64_t iy = r * p.stride_h + a - p.pad_top;
        if (iy < 0 || iy >= p.in_h || q_begin == q_end) continue;
        const int8_t* __restrict from = channel + iy * p.in_w + (q_begin * p.stride_w + first_x);
        T* __restrict to = phase + r * size.cols;
        if (p.stride_w == 1)
          for (int64_t q = q_begin; q < q_end; ++q) to[q] = static_cast<T>(from[q - q_begin] + offset);
        else
          for (int64_t q = q_begin; q < q_end; ++q) to[q] = static_cast<T>(from[(q - q_begin) * p.stride_w] + offset);
      }
    }
}

}  // namespace tinyc::exec::int8_fast
