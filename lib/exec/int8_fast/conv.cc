// Fast int8 convolution: padded planes of input differences, k-paired im2col columns, the int8
// product, TFLite's requantization.
#include "exec/int8_fast/conv.h"

#include <algorithm>

#include "exec/int8_fast/padded_plane.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

namespace {

int64_t depth_of(const int8_reference::ConvParams& p) { return p.group_in * p.kernel_h * p.kernel_w; }

// Where term k = (channel, ky, kx) of output row oy starts in the padded planes; along the row it
// steps by stride_w.
const int16_t* term_row(const int8_reference::ConvParams& p, PlaneSize size, const int16_t* planes, int64_t k,
                        int64_t oy) {
  const int64_t kx = k % p.kernel_w, ky = k / p.kernel_w % p.kernel_h, c = k / (p.kernel_w * p.kernel_h);
  return planes + c * size.count() + (oy * p.stride_h + ky * p.dilation_h) * size.cols + kx * p.dilation_w;
}

// Unrolls one image's padded planes into gemm.h's column layout: terms 2q and 2q + 1 of pixel n
// side by side at pair slot (q, n), 0 for a missing odd term and for the padding columns.
void unroll(const int8_reference::ConvParams& p, PlaneSize size, const int16_t* planes, int16_t* columns) {
  const int64_t pixels = p.out_h * p.out_w, padded = padded_columns(pixels), depth = depth_of(p);
  for (int64_t k = 0; k < depth; k += 2) {
    int16_t* pairs = columns + k * padded;
    for (int64_t oy = 0; oy < p.out_h; ++oy) {
      int16_t* out = pairs + oy * p.out_w * 2;
      const int16_t* a = term_row(p, size, planes, k, oy);
      if (k + 1 == depth) {
        for (int64_t ox = 0; ox < p.out_w; ++ox) {
          out[2 * ox] = a[ox * p.stride_w];
          out[2 * ox + 1] = 0;
        }
        continue;
      }
      const int16_t* b = term_row(p, size, planes, k + 1, oy);
      if (p.stride_w == 1)
        for (int64_t ox = 0; ox < p.out_w; ++ox) {
          out[2 * ox] = a[ox];
          out[2 * ox + 1] = b[ox];
        }
      else
        for (int64_t ox = 0; ox < p.out_w; ++ox) {
          out[2 * ox] = a[ox * p.stride_w];
          out[2 * ox + 1] = b[ox * p.stride_w];
        }
    }
    std::fill(pairs + 2 * pixels, pairs + 2 * padded, int16_t{0});
  }
}

}  // namespace

bool fast_conv_applies(const int8_reference::ConvParams& p) {
  return p.groups == 1 && std::all_of(p.multipliers.begin(), p.multipliers.end(),
                                      [](const auto& m) { return m.multiplier >= 0; });
}

GemmWeights pack_conv_weights(const int8_reference::ConvParams& p, std::span<const int8_t> weights) {
  int8_reference::require_count(weights.size(), p.weights_count(), "Conv int8", "weights");
  return pack_gemm_weights(weights.data(), p.out_channels(), depth_of(p));
}

// The unrolled columns, then one image's padded planes.
size_t fast_conv_scratch_bytes(const int8_reference::ConvParams& p) {
  const int64_t pairs = (depth_of(p) + 1) / 2, pixels = p.out_h * p.out_w;
  return static_cast<size_t>(pairs * padded_columns(pixels) * 2 + p.group_in * plane_size(p).count()) *
         sizeof(int16_t);
}

void fast_conv_int8(Isa isa, const int8_reference::ConvParams& p, const GemmWeights& weights,
                    std::span<const int8_t> input, std::span<const int32_t> bias, std::span<int8_t> output,
                    std::span<std::byte> scratch) {
  using int8_reference::require_count;
  require_count(input.size(), p.input_count(), "Conv int8", "input");
  require_count(bias.size(), p.has_bias ? p.out_channels() : 0, "Conv int8", "bias");
  require_count(output.size(), p.output_count(), "Conv int8", "output");
  if (scratch.size() < fast_conv_scratch_bytes(p))
    throw InternalError("Conv int8: scratch of " + std::to_string(scratch.size()) + " bytes, prepare asked for " +
                        std::to_string(fast_conv_scratch_bytes(p)));
  auto* columns = reinterpret_cast<int16_t*>(scratch.data());
  const int64_t pixels = p.out_h * p.out_w, channels = p.out_channels();
  int16_t* planes = columns + (depth_of(p) + 1) / 2 * padded_columns(pixels) * 2;
  const PlaneSize size = plane_size(p);
  for (int64_t n = 0; n < p.batch; ++n) {
    const int8_t* image = input.data() + n * p.group_in * p.in_h * p.in_w;
    for (int64_t c = 0; c < p.group_in; ++c)
      fill_plane(p, image + c * p.in_h * p.in_w, size, planes + c * size.count());
    unroll(p, size, planes, columns);
    const GemmOutput out{p.has_bias ? bias.data() : nullptr, p.multipliers.data(), p.output_zero_point, p.activation,
                         output.data() + n * channels * pixels};
    gemm_int8(isa, weights, {columns, pixels}, out);
  }
}

}  // namespace tinyc::exec::int8_fast
