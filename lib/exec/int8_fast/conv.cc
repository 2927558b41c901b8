// Fast int8 convolution: phase planes of the input, columns of k-groups over pitched positions (k
// pairs of int16 differences, or k quads of u8 values), the product, TFLite's requantization.
#include "exec/int8_fast/conv.h"

#include <algorithm>

#include "exec/int8_fast/padded_plane.h"
#include "exec/int8_fast/scratch.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

namespace {

int64_t depth_of(const int8_reference::ConvParams& p) { return p.group_in * p.kernel_h * p.kernel_w; }

// Where term k = (channel, ky, kx) of wide-grid position 0 lies in one image's padded copies.
int64_t term_offset(const kernels::PaddedPlane& layout, int64_t k) {
  const auto taps = static_cast<int64_t>(layout.taps.size());
  return k / taps * layout.size() + layout.taps[static_cast<size_t>(k % taps)];
}

// A 1 x 1 window at stride 1 without padding reads the input itself: its terms are the input
// channels, unrolled straight from the int8 image with no phase planes.
bool reads_input(const int8_reference::ConvParams& p) {
  return p.kernel_h == 1 && p.kernel_w == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
         p.pad_left == 0 && p.out_h == p.in_h && p.out_w == p.in_w;
}

// Bytes of one image's columns: ceil(depth / G) groups of G elements T per padded position.
template <class T, int G>
int64_t columns_bytes(int64_t depth, int64_t count) {
  return (depth + G - 1) / G * padded_columns(count) * G * static_cast<int64_t>(sizeof(T));
}

// Unrolls `depth` terms over `count` positions: group slot (q, n) of the columns holds terms
// G q .. G q + G - 1 of position n, term k read as convert(run(k)[n]). A term past the depth
// repeats the last one: its weight is 0. Positions up to whole register blocks are 0.
template <class T, int G, class Run, class Convert>
void unroll(int64_t depth, int64_t count, T* columns, Run run, Convert convert) {
  const int64_t padded = padded_columns(count);
  for (int64_t k0 = 0; k0 < depth; k0 += G) {
    T* group = columns + k0 * padded;
    decltype(run(0)) runs[G];
    for (int64_t j = 0; j < G; ++j) runs[j] = run(std::min(k0 + j, depth - 1));
    for (int64_t n = 0; n < count; ++n)
#pragma GCC unroll 4
      for (int j = 0; j < G; ++j) group[G * n + j] = convert(runs[j][n]);
    std::fill(group + G * count, group + G * padded, T(0));
  }
}

// One image's columns for the product with element T and group G: from the input itself, or from
// its padded copies (copied into `planes`, whose padding clear_planes wrote) over the wide grid.
template <class T, int G>
void unroll_image(const int8_reference::ConvParams& p, const kernels::PaddedPlane& layout, const int8_t* image,
                  T* planes, T* columns) {
  const int64_t depth = depth_of(p), pixels = p.in_h * p.in_w;
  if (reads_input(p)) {
    unroll<T, G>(depth, pixels, columns, [&](int64_t k) { return image + k * pixels; }, ProductElement<T>(p));
    return;
  }
  for (int64_t c = 0; c < p.group_in; ++c) copy_plane(layout, p, image + c * pixels, planes + c * layout.size());
  unroll<T, G>(depth, layout.wide_count, columns,
               [&](int64_t k) -> const T* { return planes + term_offset(layout, k); }, [](T x) { return x; });
}

// Columns over the wide grid, or over the input's pixels when they come from the input itself.
int64_t product_columns(const int8_reference::ConvParams& p, const kernels::PaddedPlane& layout) {
  return reads_input(p) ? p.in_h * p.in_w : layout.wide_count;
}

// Scratch of one product: the columns, the padded copies and the wide grid's outputs (neither of
// the last two when the columns come from the input itself).
template <class T, int G>
size_t scratch_bytes(const int8_reference::ConvParams& p, const kernels::PaddedPlane& layout) {
  const int64_t count = product_columns(p, layout), columns = columns_bytes<T, G>(depth_of(p), count);
  if (reads_input(p)) return static_cast<size_t>(columns);
  return static_cast<size_t>(columns + p.group_in * layout.size() * static_cast<int64_t>(sizeof(T)) +
                             p.out_channels() * count);
}

// The whole convolution with the product `multiply(columns, count, output)` on columns of T in
// groups of G.
template <class T, int G, class Multiply>
void convolve(const int8_reference::ConvParams& p, const kernels::PaddedPlane& layout, std::span<const int8_t> input,
              std::span<const int32_t> bias, std::span<int8_t> output, std::span<std::byte> scratch,
              Multiply multiply) {
  const int64_t pixels = p.out_h * p.out_w, channels = p.out_channels(), count = product_columns(p, layout);
  auto* columns = reinterpret_cast<T*>(scratch.data());
  T* planes = columns + columns_bytes<T, G>(depth_of(p), count) / static_cast<int64_t>(sizeof(T));
  auto* staged = reinterpret_cast<int8_t*>(planes + p.group_in * layout.size());
  const bool compact = count != pixels;  // positions no output has
  if (!reads_input(p)) clear_planes(layout, p, planes, p.group_in);
  for (int64_t n = 0; n < p.batch; ++n) {
    unroll_image<T, G>(p, layout, input.data() + n * p.group_in * p.in_h * p.in_w, planes, columns);
    int8_t* y = output.data() + n * channels * pixels;
    const GemmOutput out{p.has_bias ? bias.data() : nullptr, p.multipliers.data(), p.output_zero_point, p.activation,
                         compact ? staged : y};
    multiply(columns, count, out);
    if (compact)
      for (int64_t oc = 0; oc < channels; ++oc) kernels::compact_plane(layout, staged + oc * count, y + oc * pixels);
  }
}

}  // namespace

bool fast_conv_applies(const int8_reference::ConvParams& p) {
  return p.groups == 1 && std::all_of(p.multipliers.begin(), p.multipliers.end(),
                                      [](const auto& m) { return m.multiplier >= 0; });
}

PackedConvWeights pack_conv_weights(Isa isa, const int8_reference::ConvParams& p, std::span<const int8_t> weights) {
  int8_reference::require_count(weights.size(), p.weights_count(), "Conv int8", "weights");
  PackedConvWeights packed;
  packed.isa = isa;
  packed.layout = padded_layout(p);
  if (isa == Isa::avx512)
    packed.quads = pack_gemm_weights_u8(weights.data(), p.out_channels(), depth_of(p), p.input_zero_point);
  else
    packed.pairs = pack_gemm_weights(weights.data(), p.out_channels(), depth_of(p));
  return packed;
}

size_t fast_conv_scratch_bytes(const int8_reference::ConvParams& p, const PackedConvWeights& weights) {
  return weights.isa == Isa::avx512 ? scratch_bytes<uint8_t, 4>(p, weights.layout)
                                    : scratch_bytes<int16_t, 2>(p, weights.layout);
}

void fast_conv_int8(const int8_reference::ConvParams& p, const PackedConvWeights& weights,
                    std::span<const int8_t> input, std::span<const int32_t> bias, std::span<int8_t> output,
                    std::span<std::byte> scratch) {
  using int8_reference::require_count;
  require_count(input.size(), p.input_count(), "Conv int8", "input");
  require_count(bias.size(), p.has_bias ? p.out_channels() : 0, "Conv int8", "bias");
  require_count(output.size(), p.output_count(), "Conv int8", "output");
  require_scratch(scratch, fast_conv_scratch_bytes(p, weights), "Conv int8");
#if TINYC_X86_KERNELS
  if (weights.isa == Isa::avx512)
    return convolve<uint8_t, 4>(p, weights.layout, input, bias, output, scratch,
                                [&](const uint8_t* columns, int64_t count, const GemmOutput& out) {
                                  gemm_u8_avx512(weights.quads, {columns, count}, out);
                                });
#endif
  convolve<int16_t, 2>(p, weights.layout, input, bias, output, scratch,
                       [&](const int16_t* columns, int64_t count, const GemmOutput& out) {
                         gemm_int8(weights.isa, weights.pairs, {columns, count}, out);
                       });
}

}  // namespace tinyc::exec::int8_fast
