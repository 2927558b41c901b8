// Fast int8 depthwise convolution over zero-padded planes of input differences, row by row.
#include "exec/int8_fast/depthwise_conv.h"

#include <algorithm>

#include "exec/int8_fast/dot.h"
#include "exec/int8_fast/padded_plane.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

bool fast_depthwise_conv_applies(const int8_reference::ConvParams& p) {
  return p.group_in == 1 && p.kernel_h * p.kernel_w <= kMaxDotTerms;
}

size_t fast_depthwise_conv_scratch_bytes(const int8_reference::ConvParams& p) {
  const PlaneSize size = plane_size(p);
  return static_cast<size_t>(size.rows * size.cols) * sizeof(int16_t) + static_cast<size_t>(p.out_w) * sizeof(int32_t) +
         alignof(int32_t);
}

void fast_depthwise_conv_int8(const int8_reference::ConvParams& p, std::span<const int8_t> input,
                              std::span<const int8_t> weights, std::span<const int32_t> bias, std::span<int8_t> output,
                              std::span<std::byte> scratch) {
  using int8_reference::require_count;
  require_count(input.size(), p.input_count(), "DepthwiseConv int8", "input");
  require_count(weights.size(), p.weights_count(), "DepthwiseConv int8", "weights");
  require_count(bias.size(), p.has_bias ? p.out_channels() : 0, "DepthwiseConv int8", "bias");
  require_count(output.size(), p.output_count(), "DepthwiseConv int8", "output");
  if (scratch.size() < fast_depthwise_conv_scratch_bytes(p))
    throw InternalError("DepthwiseConv int8: scratch of " + std::to_string(scratch.size()) +
                        " bytes, prepare asked for " + std::to_string(fast_depthwise_conv_scratch_bytes(p)));
  const PlaneSize size = plane_size(p);
  auto* plane = reinterpret_cast<int16_t*>(scratch.data());
  const size_t plane_bytes = static_cast<size_t>(size.rows * size.cols) * sizeof(int16_t);
  const size_t sums_offset = (plane_bytes + alignof(int32_t) - 1) / alignof(int32_t) * alignof(int32_t);
  auto* sums = reinterpret_cast<int32_t*>(scratch.data() + sums_offset);
  const int64_t taps = p.kernel_h * p.kernel_w, in_plane = p.in_h * p.in_w, out_plane = p.out_h * p.out_w;
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t c = 0; c < p.groups; ++c) {
      fill_plane(p, input.data() + (n * p.groups + c) * in_plane, size, plane);
      for (int64_t m = 0; m < p.group_out; ++m) {
        const int64_t oc = c * p.group_out + m;
        const int8_t* w = weights.data() + oc * taps;
        const int64_t channel_bias = p.has_bias ? bias[static_cast<size_t>(oc)] : 0;
        const int8_reference::QuantizedMultiplier mult = p.multipliers[static_cast<size_t>(oc)];
        int8_t* y = output.data() + (n * p.out_channels() + oc) * out_plane;
        for (int64_t oy = 0; oy < p.out_h; ++oy) {
          std::fill_n(sums, p.out_w, 0);
          for (int64_t ky = 0; ky < p.kernel_h; ++ky)
            for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
              const int32_t tap = w[ky * p.kernel_w + kx];
              const int16_t* row = plane + (oy * p.stride_h + ky * p.dilation_h) * size.cols + kx * p.dilation_w;
              if (p.stride_w == 1)
                for (int64_t ox = 0; ox < p.out_w; ++ox) sums[ox] += tap * row[ox];
              else
                for (int64_t ox = 0; ox < p.out_w; ++ox) sums[ox] += tap * row[ox * p.stride_w];
            }
          for (int64_t ox = 0; ox < p.out_w; ++ox) {
            const auto acc = static_cast<int32_t>(sums[ox] + channel_bias);  // TFLite's wrapping accumulator
            y[oy * p.out_w + ox] = int8_reference::clamp_to(
                int8_reference::multiply_by_quantized_multiplier(acc, mult) + p.output_zero_point, p.activation);
          }
        }
      }
    }
}

}  // namespace tinyc::exec::int8_fast
