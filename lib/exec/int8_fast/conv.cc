// Fast int8 convolution: im2col rows of input differences, dot products with packed weight rows,
// TFLite's requantization.
#include "exec/int8_fast/conv.h"

#include "exec/int8_fast/dot.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

namespace {

int64_t depth_of(const int8_reference::ConvParams& p) { return p.group_in * p.kernel_h * p.kernel_w; }

// Row (oy, ox) of one image: input differences in weight order (channel, ky, kx), 0 outside the
// image, where TFLite's padding with the zero point contributes nothing either.
void unroll(const int8_reference::ConvParams& p, const int8_t* image, int16_t* rows) {
  const int64_t plane = p.in_h * p.in_w;
  const auto zero = static_cast<int16_t>(p.input_zero_point);
  for (int64_t oy = 0; oy < p.out_h; ++oy)
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      const int64_t y0 = oy * p.stride_h - p.pad_top, x0 = ox * p.stride_w - p.pad_left;
      for (int64_t c = 0; c < p.group_in; ++c)
        for (int64_t ky = 0; ky < p.kernel_h; ++ky) {
          const int64_t iy = y0 + ky * p.dilation_h;
          for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
            const int64_t ix = x0 + kx * p.dilation_w;
            const bool inside = iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
            *rows++ = inside ? static_cast<int16_t>(image[c * plane + iy * p.in_w + ix] - zero) : int16_t{0};
          }
        }
    }
}

}  // namespace

bool fast_conv_applies(const int8_reference::ConvParams& p) { return p.groups == 1 && depth_of(p) <= kMaxDotTerms; }

PackedConvWeights pack_conv_weights(const int8_reference::ConvParams& p, std::span<const int8_t> weights) {
  int8_reference::require_count(weights.size(), p.weights_count(), "Conv int8", "weights");
  return {std::vector<int16_t>(weights.begin(), weights.end()), depth_of(p)};
}

size_t fast_conv_scratch_bytes(const int8_reference::ConvParams& p) {
  return static_cast<size_t>(p.out_h * p.out_w * depth_of(p)) * sizeof(int16_t);
}

void fast_conv_int8(const int8_reference::ConvParams& p, const PackedConvWeights& weights,
                    std::span<const int8_t> input, std::span<const int32_t> bias, std::span<int8_t> output,
                    std::span<std::byte> scratch) {
  using int8_reference::require_count;
  require_count(input.size(), p.input_count(), "Conv int8", "input");
  require_count(bias.size(), p.has_bias ? p.out_channels() : 0, "Conv int8", "bias");
  require_count(output.size(), p.output_count(), "Conv int8", "output");
  if (scratch.size() < fast_conv_scratch_bytes(p))
    throw InternalError("Conv int8: scratch of " + std::to_string(scratch.size()) + " bytes, prepare asked for " +
                        std::to_string(fast_conv_scratch_bytes(p)));
  auto* rows = reinterpret_cast<int16_t*>(scratch.data());
  const int64_t depth = weights.depth, pixels = p.out_h * p.out_w, channels = p.out_channels();
  for (int64_t n = 0; n < p.batch; ++n) {
    unroll(p, input.data() + n * p.group_in * p.in_h * p.in_w, rows);
    int8_t* image_out = output.data() + n * channels * pixels;
    for (int64_t oc = 0; oc < channels; ++oc) {
      const int16_t* w = weights.rows.data() + oc * depth;
      const int64_t channel_bias = p.has_bias ? bias[static_cast<size_t>(oc)] : 0;
      const int8_reference::QuantizedMultiplier m = p.multipliers[static_cast<size_t>(oc)];
      for (int64_t px = 0; px < pixels; ++px) {
        // The sum plus the bias, reduced mod 2^32: TFLite's wrapping int32 accumulator.
        const auto acc = static_cast<int32_t>(dot_int16(rows + px * depth, w, depth) + channel_bias);
        image_out[oc * pixels + px] = int8_reference::clamp_to(
            int8_reference::multiply_by_quantized_multiplier(acc, m) + p.output_zero_point, p.activation);
      }
    }
  }
}

}  // namespace tinyc::exec::int8_fast
