// The choice between the two fast int8 depthwise kernels.
#include "exec/int8_fast/depthwise_conv.h"

#include "exec/int8_fast/dot.h"
#include "exec/int8_fast/padded_plane.h"

namespace tinyc::exec::int8_fast {

bool fast_depthwise_conv_applies(const int8_reference::ConvParams& p) {
  return p.group_in == 1 && p.kernel_h * p.kernel_w <= kMaxDotTerms;
}

bool prefers_channels_last(const int8_reference::ConvParams& p) {
  const bool strided = p.stride_h > 1 || p.stride_w > 1;
  return p.out_channels() >= kDepthwiseLanes && (strided || p.out_h * p.out_w <= kChannelsLastPositions);
}

FastDepthwise prepare_fast_depthwise(const int8_reference::ConvParams& p,
                                     std::optional<std::span<const int8_t>> weights) {
  if (weights && prefers_channels_last(p)) return pack_depthwise_weights(p, *weights);
  return padded_layout(p);
}

size_t fast_depthwise_conv_scratch_bytes(const int8_reference::ConvParams& p, const FastDepthwise& prepared) {
  if (const auto* packed = std::get_if<PackedDepthwise>(&prepared))
    return channels_last_depthwise_scratch_bytes(p, *packed);
  return planes_depthwise_scratch_bytes(std::get<kernels::PaddedPlane>(prepared));
}

void fast_depthwise_conv_int8(Isa isa, const int8_reference::ConvParams& p, const FastDepthwise& prepared,
                              std::span<const int8_t> input, std::span<const int8_t> weights,
                              std::span<const int32_t> bias, std::span<int8_t> output, std::span<std::byte> scratch) {
  if (const auto* packed = std::get_if<PackedDepthwise>(&prepared))
    return channels_last_depthwise_int8(isa, p, *packed, input, bias, output, scratch);
  planes_depthwise_int8(isa, p, std::get<kernels::PaddedPlane>(prepared), input, weights, bias, output, scratch);
}

}  // namespace tinyc::exec::int8_fast
