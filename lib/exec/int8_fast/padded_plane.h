// The padded, stride-phase-split copies of kernels/padded_plane.h for the fast int8 Conv and
// DepthwiseConv: each input channel as int16 differences x - z_in (padding 0), or for the u8
// product as x + 128 (padding z_in + 128), so that what a window reads is contiguous and needs no
// bounds test; both are what TFLite's padding with the zero point contributes nothing for.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "exec/int8_reference/int8_conv.h"
#include "exec/kernels/padded_plane.h"

namespace tinyc::exec::int8_fast {

// The padded layout of p's window (resolve it in prepare: it allocates).
inline kernels::PaddedPlane padded_layout(const int8_reference::ConvParams& p) {
  kernels::PlaneWindow window;
  window.in_h = p.in_h;
  window.in_w = p.in_w;
  window.out_h = p.out_h;
  window.out_w = p.out_w;
  window.kernel_h = p.kernel_h;
  window.kernel_w = p.kernel_w;
  window.stride_h = p.stride_h;
  window.stride_w = p.stride_w;
  window.dilation_h = p.dilation_h;
  window.dilation_w = p.dilation_w;
  window.pad_h = p.pad_top;
  window.pad_w = p.pad_left;
  return kernels::padded_plane(window);
}

// `channel` (in_h x in_w int8) into its padded copy of layout.size() elements T.
template <class T>
void fill_plane(const kernels::PaddedPlane& layout, const int8_reference::ConvParams& p, const int8_t* channel,
                T* plane) {
  static_assert(std::is_same_v<T, int16_t> || std::is_same_v<T, uint8_t>);
  constexpr bool kUnsigned = std::is_same_v<T, uint8_t>;
  const int32_t offset = kUnsigned ? 128 : -p.input_zero_point;
  std::fill_n(plane, layout.size(), static_cast<T>(kUnsigned ? p.input_zero_point + 128 : 0));
  kernels::copy_into_padded(layout, channel, plane, [&](int8_t x) { return static_cast<T>(x + offset); });
}

}  // namespace tinyc::exec::int8_fast
