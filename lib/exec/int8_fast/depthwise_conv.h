// Fast int8 depthwise convolution: the channels-last kernel (depthwise_channels_last.h) where a
// whole block of channels fills its vectors and the output planes are small or strided, the
// plane-by-plane kernel (depthwise_planes.h) elsewhere, chosen at prepare from timings of both
// (docs/benchmarks.md). Both are bit-exact with int8_reference::depthwise_conv_int8.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <variant>

#include "exec/int8_fast/depthwise_channels_last.h"
#include "exec/int8_fast/depthwise_planes.h"

namespace tinyc::exec::int8_fast {

// One depthwise convolution prepared for the kernel chosen for it: the channels-last kernel's packed
// weights, or the plane-by-plane kernel's padded layout.
using FastDepthwise = std::variant<PackedDepthwise, kernels::PaddedPlane>;

// True when fast_depthwise_conv_int8 computes `p`: one input channel per group and at most
// kMaxDotTerms taps.
bool fast_depthwise_conv_applies(const int8_reference::ConvParams& p);

// True when the channels-last kernel runs `p`: at least kDepthwiseLanes output channels, and a
// stride above 1 or at most kChannelsLastPositions output positions.
bool prefers_channels_last(const int8_reference::ConvParams& p);
inline constexpr int64_t kChannelsLastPositions = 256;

// `weights`: the constant C*M x 1 x kH x kW int8 weights, or none when they arrive at run time (then
// the plane-by-plane kernel runs: it reads them per call). Precondition: fast_depthwise_conv_applies(p).
FastDepthwise prepare_fast_depthwise(const int8_reference::ConvParams& p,
                                     std::optional<std::span<const int8_t>> weights);

size_t fast_depthwise_conv_scratch_bytes(const int8_reference::ConvParams& p, const FastDepthwise& prepared);

// Same contract and result as int8_reference::depthwise_conv_int8 with the weights prepared, on `isa`.
void fast_depthwise_conv_int8(Isa isa, const int8_reference::ConvParams& p, const FastDepthwise& prepared,
                              std::span<const int8_t> input, std::span<const int8_t> weights,
                              std::span<const int32_t> bias, std::span<int8_t> output, std::span<std::byte> scratch);

}  // namespace tinyc::exec::int8_fast
