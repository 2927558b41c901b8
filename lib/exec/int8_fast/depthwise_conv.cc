// Fast int8 depthwise convolution over a padded channels-last copy, blocks of channels in registers.
#include "exec/int8_fast/depthwise_conv.h"

#include <algorithm>

#include "exec/int8_fast/channels_last.h"
#include "exec/int8_fast/dot.h"
#include "exec/int8_fast/requantize.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

bool fast_depthwise_conv_applies(const int8_reference::ConvParams& p) {
  return p.group_in == 1 && p.kernel_h * p.kernel_w <= kMaxDotTerms;
}

PackedDepthwise pack_depthwise_weights(const int8_reference::ConvParams& p, std::span<const int8_t> weights) {
  int8_reference::require_count(weights.size(), p.weights_count(), "DepthwiseConv int8", "weights");
  PackedDepthwise packed;
  const int64_t channels = p.out_channels(), taps = p.kernel_h * p.kernel_w;
  packed.lanes = (channels + kDepthwiseLanes - 1) / kDepthwiseLanes * kDepthwiseLanes;
  packed.padded_h = (p.out_h - 1) * p.stride_h + (p.kernel_h - 1) * p.dilation_h + 1;
  packed.padded_w = (p.out_w - 1) * p.stride_w + (p.kernel_w - 1) * p.dilation_w + 1;
  packed.taps.assign(static_cast<size_t>(taps * packed.lanes), 0);
  for (int64_t oc = 0; oc < channels; ++oc)
    for (int64_t t = 0; t < taps; ++t)
      packed.taps[static_cast<size_t>(t * packed.lanes + oc)] = weights[static_cast<size_t>(oc * taps + t)];
  for (int64_t kh = 0; kh < p.kernel_h; ++kh)
    for (int64_t kw = 0; kw < p.kernel_w; ++kw)
      packed.offsets.push_back((kh * p.dilation_h * packed.padded_w + kw * p.dilation_w) * packed.lanes);
  return packed;
}

namespace {

// acc[j] += x[j] * w[j] over one block of channels.
__attribute__((always_inline)) inline void add_products(const int16_t* __restrict x, const int16_t* __restrict w,
                                                        int32_t* __restrict acc) {
  for (int64_t j = 0; j < kDepthwiseLanes; ++j) acc[j] += static_cast<int32_t>(x[j]) * static_cast<int32_t>(w[j]);
}

// The sums of every output position, channel-major (channel oc's at sums[oc * out_h * out_w]): per
// position and block of channels, all taps added in registers. Each product is int16 x int16 in
// int32; the bound on taps keeps the sum from wrapping.
__attribute__((always_inline)) inline void window_sums(const int8_reference::ConvParams& p,
                                                       const PackedDepthwise& packed, const int16_t* padded,
                                                       int32_t* sums) {
  const int64_t out_plane = p.out_h * p.out_w, channels = p.out_channels();
  const int16_t* weights = packed.taps.data();
  const int64_t* offsets = packed.offsets.data();
  const size_t taps = packed.offsets.size();
  for (int64_t oh = 0; oh < p.out_h; ++oh)
    for (int64_t ow = 0; ow < p.out_w; ++ow) {
      const int16_t* corner = padded + (oh * p.stride_h * packed.padded_w + ow * p.stride_w) * packed.lanes;
      for (int64_t block = 0; block < packed.lanes; block += kDepthwiseLanes) {
        int32_t acc[kDepthwiseLanes] = {};
        for (size_t t = 0; t < taps; ++t)
          add_products(corner + offsets[t] + block, weights + static_cast<int64_t>(t) * packed.lanes + block, acc);
        const int64_t count = std::min(kDepthwiseLanes, channels - block);
        for (int64_t j = 0; j < count; ++j) sums[(block + j) * out_plane + oh * p.out_w + ow] = acc[j];
      }
    }
}

// The whole kernel, inlined into one function per instruction set so the compiler vectorizes its
// loops for each.
__attribute__((always_inline)) inline void depthwise(Isa isa, const int8_reference::ConvParams& p,
                                                     const PackedDepthwise& packed, const int8_t* input,
                                                     const int32_t* bias, int8_t* output, int16_t* padded,
                                                     int32_t* sums) {
  const int64_t in_image = p.groups * p.in_h * p.in_w, out_plane = p.out_h * p.out_w;
  for (int64_t n = 0; n < p.batch; ++n) {
    copy_channels_last(p, packed, input + n * in_image, input + p.batch * in_image, padded);
    window_sums(p, packed, padded, sums);
    for (int64_t oc = 0; oc < p.out_channels(); ++oc) {
      const RowRequantization r{bias ? bias[oc] : 0, p.multipliers[static_cast<size_t>(oc)], p.output_zero_point,
                                p.activation};
      requantize_row(isa, sums + oc * out_plane, out_plane, r, output + (n * p.out_channels() + oc) * out_plane);
    }
  }
}

void depthwise_portable(const int8_reference::ConvParams& p, const PackedDepthwise& packed, const int8_t* input,
                        const int32_t* bias, int8_t* output, int16_t* padded, int32_t* sums) {
  depthwise(Isa::portable, p, packed, input, bias, output, padded, sums);
}

#if TINYC_X86_KERNELS
TINYC_AVX2 void depthwise_avx2(const int8_reference::ConvParams& p, const PackedDepthwise& packed,
                               const int8_t* input, const int32_t* bias, int8_t* output, int16_t* padded,
                               int32_t* sums) {
  depthwise(Isa::avx2, p, packed, input, bias, output, padded, sums);
}

TINYC_AVX512 void depthwise_avx512(const int8_reference::ConvParams& p, const PackedDepthwise& packed,
                                   const int8_t* input, const int32_t* bias, int8_t* output, int16_t* padded,
                                   int32_t* sums) {
  depthwise(Isa::avx512, p, packed, input, bias, output, padded, sums);
}
#endif

// Bytes of the padded copy, rounded up so that the sums after it are aligned.
size_t padded_bytes(const PackedDepthwise& packed) {
  const size_t bytes = static_cast<size_t>(packed.padded_h * packed.padded_w * packed.lanes) * sizeof(int16_t);
  return (bytes + alignof(int32_t) - 1) / alignof(int32_t) * alignof(int32_t);
}

}  // namespace

size_t fast_depthwise_conv_scratch_bytes(const int8_reference::ConvParams& p, const PackedDepthwise& packed) {
  return padded_bytes(packed) + static_cast<size_t>(p.out_channels() * p.out_h * p.out_w) * sizeof(int32_t);
}

void fast_depthwise_conv_int8(Isa isa, const int8_reference::ConvParams& p, const PackedDepthwise& packed,
                              std::span<const int8_t> input, std::span<const int32_t> bias, std::span<int8_t> output,
                              std::span<std::byte> scratch) {
  using int8_reference::require_count;
  require_count(input.size(), p.input_count(), "DepthwiseConv int8", "input");
  require_count(bias.size(), p.has_bias ? p.out_channels() : 0, "DepthwiseConv int8", "bias");
  require_count(output.size(), p.output_count(), "DepthwiseConv int8", "output");
  if (scratch.size() < fast_depthwise_conv_scratch_bytes(p, packed))
    throw InternalError("DepthwiseConv int8: scratch of " + std::to_string(scratch.size()) +
                        " bytes, prepare asked for " + std::to_string(fast_depthwise_conv_scratch_bytes(p, packed)));
  auto* padded = reinterpret_cast<int16_t*>(scratch.data());
  auto* sums = reinterpret_cast<int32_t*>(scratch.data() + padded_bytes(packed));
  const int32_t* bias_values = p.has_bias ? bias.data() : nullptr;
#if TINYC_X86_KERNELS
  if (isa == Isa::avx512) return depthwise_avx512(p, packed, input.data(), bias_values, output.data(), padded, sums);
  if (has_avx2(isa)) return depthwise_avx2(p, packed, input.data(), bias_values, output.data(), padded, sums);
#endif
  depthwise_portable(p, packed, input.data(), bias_values, output.data(), padded, sums);
}

}  // namespace tinyc::exec::int8_fast
