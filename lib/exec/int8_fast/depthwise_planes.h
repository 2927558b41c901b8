// Fast int8 depthwise convolution plane by plane, for few channels or wide planes: each input
// channel becomes a padded, stride-phase-split copy of int16 differences (x - z_in,
// padded_plane.h), and each output channel is accumulated tap by tap over contiguous runs of them,
// blocks of sums in registers, loops the compiler vectorizes with no bounds checks, once for the
// baseline and once for AVX2. Bit-exact with the reference
// grouped convolution (int8_reference::depthwise_conv_int8), the oracle its tests compare with.
#pragma once

#include <cstddef>
#include <span>

#include "exec/isa.h"
#include "exec/int8_fast/padded_plane.h"
#include "exec/int8_reference/int8_conv.h"

namespace tinyc::exec::int8_fast {

// Scratch planes_depthwise_int8 needs for p's padded layout (padded_layout(p), resolved in
// prepare): one channel's padded copy, its sums and its outputs.
size_t planes_depthwise_scratch_bytes(const kernels::PaddedPlane& layout);

// Same contract and result as int8_reference::depthwise_conv_int8, on `isa`. Precondition:
// fast_depthwise_conv_applies(p) (depthwise_conv.h), layout = padded_layout(p).
void planes_depthwise_int8(Isa isa, const int8_reference::ConvParams& p, const kernels::PaddedPlane& layout,
                              std::span<const int8_t> input, std::span<const int8_t> weights,
                              std::span<const int32_t> bias, std::span<int8_t> output, std::span<std::byte> scratch);

}  // namespace tinyc::exec::int8_fast
