// Fast int8 depthwise convolution channels last, for many channels on small planes or at strides
// above 1: each block of 16 output channels of an image
// becomes one padded copy holding, at every position, the int16 differences x - z_in of the
// channels' inputs side by side (padding 0), so each tap of a window adds one contiguous run of
// channels times that tap's weights, and the block's sums accumulate in registers over the taps. The loops are
// plain C++ the compiler vectorizes, once per instruction set. Bit-exact with the reference grouped
// convolution (int8_reference::depthwise_conv_int8), the oracle its tests compare with.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "exec/isa.h"
#include "exec/int8_reference/int8_conv.h"

namespace tinyc::exec::int8_fast {

// Output channels per block: one block's copy and sums at a time, its sums in registers (one
// AVX-512 vector of int32).
inline constexpr int64_t kDepthwiseLanes = 16;

// The weights of one depthwise convolution packed at prepare, and its channels-last layout.
struct PackedDepthwise {
  int64_t blocks = 0;                  // blocks of kDepthwiseLanes output channels (the last may be partial)
  int64_t padded_h = 0, padded_w = 0;  // of one block's padded channels-last copy
  std::vector<int16_t> taps;     // per block, per kernel offset (kh, kw) in C order, kDepthwiseLanes weights (0 past the channels)
  std::vector<int64_t> offsets;  // per kernel offset: its read offset into the copy from a window's corner
};

// `weights`: C*M x 1 x kH x kW int8, as the reference reads them.
PackedDepthwise pack_depthwise_weights(const int8_reference::ConvParams& p, std::span<const int8_t> weights);

// Scratch channels_last_depthwise_int8 needs: one block's padded copy and its sums.
size_t channels_last_depthwise_scratch_bytes(const int8_reference::ConvParams& p, const PackedDepthwise& packed);

// Same contract and result as int8_reference::depthwise_conv_int8 with the weights packed, on
// `isa`. Precondition: fast_depthwise_conv_applies(p) (depthwise_conv.h).
void channels_last_depthwise_int8(Isa isa, const int8_reference::ConvParams& p, const PackedDepthwise& packed,
                              std::span<const int8_t> input, std::span<const int32_t> bias, std::span<int8_t> output,
                              std::span<std::byte> scratch);

}  // namespace tinyc::exec::int8_fast
