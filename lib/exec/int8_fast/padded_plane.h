// The padded, stride-phase-split copies of kernels/padded_plane.h for the fast int8 Conv: each
// input channel as int16 differences x - z_in (padding 0), or for the u8 product as x + 128 (padding z_in + 128), so that what a window reads is contiguous and needs no
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

// What the padding of p's copies of element T holds: TFLite's zero point, as int16 differences 0,
// as u8 z_in + 128.
template <class T>
T padding_value(const int8_reference::ConvParams& p) {
  static_assert(std::is_same_v<T, int16_t> || std::is_same_v<T, uint8_t>);
  return static_cast<T>(std::is_same_v<T, uint8_t> ? p.input_zero_point + 128 : 0);
}

// Fills `count` padded copies (layout.size() elements each) with their padding. The padding sits at
// the same places in every copy and copy_plane never writes it, so once per kernel call is enough.
template <class T>
void clear_planes(const kernels::PaddedPlane& layout, const int8_reference::ConvParams& p, T* planes, int64_t count) {
  std::fill_n(planes, layout.size() * count, padding_value<T>(p));
}

// An int8 input as element T of the products: x + 128 for the u8 product, the difference x - z_in
// for the int16 one. The offset is held by value, so copy loops keep it in a register.
template <class T>
struct ProductElement {
  int32_t offset;
  explicit ProductElement(const int8_reference::ConvParams& p)
      : offset(std::is_same_v<T, uint8_t> ? 128 : -p.input_zero_point) {}
  T operator()(int8_t x) const { return static_cast<T>(x + offset); }
};

// `channel` (in_h x in_w int8) into a padded copy whose padding clear_planes wrote.
template <class T>
void copy_plane(const kernels::PaddedPlane& layout, const int8_reference::ConvParams& p, const int8_t* channel,
                T* plane) {
  kernels::copy_into_padded(layout, channel, plane, ProductElement<T>(p));
}

}  // namespace tinyc::exec::int8_fast
