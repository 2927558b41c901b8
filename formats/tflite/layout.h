// tinyc's graphs are NCHW, TFLite's kernels are NHWC: the dim orders, and the re-layouts of constant
// data that let activations change layout without any Transpose op.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "ir/shape.h"
#include "ir/tensor.h"

namespace tinyc::tflite_format {

// TFLite dim k of an activation holds IR (NCHW) dim kNhwcFromNchw[k].
inline constexpr std::array<int, 4> kNhwcFromNchw = {0, 2, 3, 1};
// The TRANSPOSE permutation from an NHWC tensor back to NCHW order.
inline constexpr std::array<int, 4> kNchwFromNhwc = {0, 3, 1, 2};
// IR dim a of an activation sits at TFLite dim kNhwcPositionOf[a] (the inverse permutation).
inline constexpr std::array<int, 4> kNhwcPositionOf = {0, 3, 1, 2};

// [N, C, H, W] -> [N, H, W, C].
ir::Shape nhwc_shape(const ir::Shape& nchw);

// True when an [N, C, H, W] tensor has the same element order as NCHW and as NHWC (C == 1 or
// H * W == 1), so switching layouts needs no data movement.
bool layouts_share_order(const ir::Shape& nchw);

// Dim k of the result is dim perm[k] of `t` (any element type, any rank up to 8).
ir::Tensor transpose(const ir::Tensor& t, std::span<const int> perm);

// The same elements under another shape with the same element count.
ir::Tensor reshaped(const ir::Tensor& t, const ir::Shape& shape);

// A rank-4 NCHW constant in NHWC order; a lower-rank constant that broadcasts against NCHW
// activations is first padded with leading 1s to rank 4.
ir::Tensor constant_to_nhwc(const ir::Tensor& t);

// Conv weights O x I x kH x kW -> O x kH x kW x I (TFLite CONV_2D).
ir::Tensor conv_weights_to_ohwi(const ir::Tensor& oihw);

// Depthwise weights C*M x 1 x kH x kW -> 1 x kH x kW x C*M (TFLite DEPTHWISE_CONV_2D; output channel
// c*M + m keeps its index).
ir::Tensor depthwise_weights_to_1hwc(const ir::Tensor& oihw);

// FullyConnected weights units x (C*H*W) whose input columns run in C, H, W order, re-ordered so the
// columns run in H, W, C order: the order of a flattened NHWC activation.
ir::Tensor fc_columns_chw_to_hwc(const ir::Tensor& weights, std::array<int64_t, 3> chw);

}  // namespace tinyc::tflite_format
