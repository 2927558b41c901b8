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

// Stride 1 both ways: output pixels are numbered by the padded planes' own row pitch (oy * cols +
// ox), so each term's column is one contiguous run of its plane and the unrolling is one long
// interleave per pair of terms; the product also computes the kernel_w - 1 columns per row that no
// output has, which are dropped after it.
bool plane_pitched(const int8_reference::ConvParams& p) { return p.stride_h == 1 && p.stride_w == 1; }

// The columns of the product: output pixels, or pitched positions up to the last output pixel.
int64_t product_columns(const int8_reference::ConvParams& p) {
  return plane_pitched(p) ? (p.out_h - 1) * plane_size(p).cols + p.out_w : p.out_h * p.out_w;
}

// Unrolls pitched planes: pair slot (q, n) holds terms 2q and 2q + 1 at pitched position n.
void unroll_pitched(const int8_reference::ConvParams& p, PlaneSize size, const int16_t* planes, int16_t* columns) {
  const int64_t count = product_columns(p), padded = padded_columns(count), depth = depth_of(p);
  for (int64_t k = 0; k < depth; k += 2) {
    int16_t* pairs = columns + k * padded;
    const int16_t* a = term_row(p, size, planes, k, 0);
    if (k + 1 < depth) {
      const int16_t* b = term_row(p, size, planes, k + 1, 0);
      for (int64_t n = 0; n < count; ++n) {
        pairs[2 * n] = a[n];
        pairs[2 * n + 1] = b[n];
      }
    } else {
      for (int64_t n = 0; n < count; ++n) {
        pairs[2 * n] = a[n];
        pairs[2 * n + 1] = 0;
      }
    }
    std::fill(pairs + 2 * count, pairs + 2 * padded, int16_t{0});
  }
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

// The unrolled columns, one image's padded planes, the pitched outputs of the product.
size_t fast_conv_scratch_bytes(const int8_reference::ConvParams& p) {
  const int64_t pairs = (depth_of(p) + 1) / 2, count = product_columns(p);
  return static_cast<size_t>(pairs * padded_columns(count) * 2 + p.group_in * plane_size(p).count()) *
             sizeof(int16_t) +
         static_cast<size_t>(plane_pitched(p) ? p.out_channels() * count : 0);
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
  const int64_t pixels = p.out_h * p.out_w, channels = p.out_channels(), count = product_columns(p);
  const PlaneSize size = plane_size(p);
  auto* columns = reinterpret_cast<int16_t*>(scratch.data());
  int16_t* planes = columns + (depth_of(p) + 1) / 2 * padded_columns(count) * 2;
  auto* staged = reinterpret_cast<int8_t*>(planes + p.group_in * size.count());
  const bool compact = count != pixels;  // pitched with columns no output has
  for (int64_t n = 0; n < p.batch; ++n) {
    const int8_t* image = input.data() + n * p.group_in * p.in_h * p.in_w;
    for (int64_t c = 0; c < p.group_in; ++c)
      fill_plane(p, image + c * p.in_h * p.in_w, size, planes + c * size.count());
    if (plane_pitched(p)) unroll_pitched(p, size, planes, columns);
    else unroll(p, size, planes, columns);
    int8_t* y = output.data() + n * channels * pixels;
    const GemmOutput out{p.has_bias ? bias.data() : nullptr, p.multipliers.data(), p.output_zero_point, p.activation,
                         compact ? staged : y};
    gemm_int8(isa, weights, {columns, count}, out);
    if (compact)
      for (int64_t oc = 0; oc < channels; ++oc)
        for (int64_t oy = 0; oy < p.out_h; ++oy)
          std::copy_n(staged + oc * count + oy * size.cols, p.out_w, y + oc * pixels + oy * p.out_w);
  }
}

}  // namespace tinyc::exec::int8_fast
