// Fast int8 convolution: phase planes of input differences, k-paired columns over pitched
// positions, the int8 product, TFLite's requantization.
#include "exec/int8_fast/conv.h"

#include <algorithm>

#include "exec/int8_fast/padded_plane.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

namespace {

int64_t depth_of(const int8_reference::ConvParams& p) { return p.group_in * p.kernel_h * p.kernel_w; }

// Where term k = (channel, ky, kx) of pitched position 0 lies in one image's phase planes.
int64_t term_offset(const int8_reference::ConvParams& p, PlaneSize size, int64_t k) {
  const int64_t kx = k % p.kernel_w, ky = k / p.kernel_w % p.kernel_h, c = k / (p.kernel_w * p.kernel_h);
  return c * size.count() + tap_offset(p, size, ky, kx);
}

// Unrolls one image's phase planes into gemm.h's column layout over pitched positions: pair slot
// (q, n) holds terms 2q and 2q + 1 at position n, each term one contiguous run of its plane; 0 for
// a missing odd term and for the padding columns. The product also computes the positions no
// output has, which are dropped after it.
void unroll(const int8_reference::ConvParams& p, PlaneSize size, const int16_t* planes, int16_t* columns) {
  const int64_t count = pitched_count(p, size), padded = padded_columns(count), depth = depth_of(p);
  for (int64_t k = 0; k < depth; k += 2) {
    int16_t* pairs = columns + k * padded;
    const int16_t* a = planes + term_offset(p, size, k);
    if (k + 1 < depth) {
      const int16_t* b = planes + term_offset(p, size, k + 1);
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

// A 1 x 1 window at stride 1 without padding reads the input itself: its columns are the input
// channels, paired straight from the int8 image with no phase planes.
bool reads_input(const int8_reference::ConvParams& p) {
  return p.kernel_h == 1 && p.kernel_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
         p.pad_left == 0 && p.out_h == p.in_h && p.out_w == p.in_w;
}

// unroll for reads_input: pair slot (q, n) holds channels 2q and 2q + 1 of pixel n minus the zero point.
void unroll_input(const int8_reference::ConvParams& p, const int8_t* image, int16_t* columns) {
  const int64_t pixels = p.in_h * p.in_w, padded = padded_columns(pixels);
  const auto zero = static_cast<int16_t>(p.input_zero_point);
  for (int64_t c = 0; c < p.group_in; c += 2) {
    int16_t* pairs = columns + c * padded;
    const int8_t* a = image + c * pixels;
    if (c + 1 < p.group_in) {
      const int8_t* b = a + pixels;
      for (int64_t n = 0; n < pixels; ++n) {
        pairs[2 * n] = static_cast<int16_t>(a[n] - zero);
        pairs[2 * n + 1] = static_cast<int16_t>(b[n] - zero);
      }
    } else {
      for (int64_t n = 0; n < pixels; ++n) {
        pairs[2 * n] = static_cast<int16_t>(a[n] - zero);
        pairs[2 * n + 1] = 0;
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

// The unrolled columns, one image's phase planes and the pitched outputs of the product (neither
// when the columns come from the input itself).
size_t fast_conv_scratch_bytes(const int8_reference::ConvParams& p) {
  const PlaneSize size = plane_size(p);
  const int64_t pairs = (depth_of(p) + 1) / 2, count = pitched_count(p, size);
  const int64_t columns = pairs * padded_columns(count) * 2;
  if (reads_input(p)) return static_cast<size_t>(columns) * sizeof(int16_t);
  return static_cast<size_t>(columns + p.group_in * size.count()) * sizeof(int16_t) +
         static_cast<size_t>(p.out_channels() * count);
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
  const PlaneSize size = plane_size(p);
  const int64_t pixels = p.out_h * p.out_w, channels = p.out_channels(), count = pitched_count(p, size);
  auto* columns = reinterpret_cast<int16_t*>(scratch.data());
  int16_t* planes = columns + (depth_of(p) + 1) / 2 * padded_columns(count) * 2;
  auto* staged = reinterpret_cast<int8_t*>(planes + p.group_in * size.count());
  const bool compact = count != pixels;  // positions no output has
  for (int64_t n = 0; n < p.batch; ++n) {
    const int8_t* image = input.data() + n * p.group_in * p.in_h * p.in_w;
    if (reads_input(p)) {
      unroll_input(p, image, columns);
    } else {
      for (int64_t c = 0; c < p.group_in; ++c)
        fill_plane(p, image + c * p.in_h * p.in_w, size, planes + c * size.count());
      unroll(p, size, planes, columns);
    }
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
