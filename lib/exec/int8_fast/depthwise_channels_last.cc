// Fast int8 depthwise convolution over padded channels-last copies of blocks of channels.
#include "exec/int8_fast/depthwise_channels_last.h"

#include <algorithm>

#include "exec/isa.h"
#if TINYC_X86_KERNELS
#include <immintrin.h>
#endif

#include "exec/int8_fast/channels_last.h"
#include "exec/int8_fast/requantize.h"
#include "exec/int8_fast/scratch.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

PackedDepthwise pack_depthwise_weights(const int8_reference::ConvParams& p, std::span<const int8_t> weights) {
  int8_reference::require_count(weights.size(), p.weights_count(), "DepthwiseConv int8", "weights");
  PackedDepthwise packed;
  const int64_t channels = p.out_channels(), taps = p.kernel_h * p.kernel_w;
  packed.blocks = (channels + kDepthwiseLanes - 1) / kDepthwiseLanes;
  packed.padded_h = (p.out_h - 1) * p.stride_h + (p.kernel_h - 1) * p.dilation_h + 1;
  packed.padded_w = (p.out_w - 1) * p.stride_w + (p.kernel_w - 1) * p.dilation_w + 1;
  packed.taps.assign(static_cast<size_t>(packed.blocks * taps * kDepthwiseLanes), 0);
  for (int64_t oc = 0; oc < channels; ++oc)
    for (int64_t t = 0; t < taps; ++t)
      packed.taps[static_cast<size_t>(((oc / kDepthwiseLanes) * taps + t) * kDepthwiseLanes + oc % kDepthwiseLanes)] =
          weights[static_cast<size_t>(oc * taps + t)];
  for (int64_t kh = 0; kh < p.kernel_h; ++kh)
    for (int64_t kw = 0; kw < p.kernel_w; ++kw)
      packed.offsets.push_back((kh * p.dilation_h * packed.padded_w + kw * p.dilation_w) * kDepthwiseLanes);
  return packed;
}

namespace {

// A block's sums at one window: acc[j] = sum over taps t of x_t[j] * w_t[j], x_t at corner +
// offsets[t], w_t at weights + t * kDepthwiseLanes; one body per instruction set. Each product is
// int16 x int16 in int32; the bound on taps keeps the sum from wrapping.
void block_sums_portable(const int16_t* corner, const int16_t* weights, const int64_t* offsets, size_t taps,
                         int32_t* acc) {
  std::fill_n(acc, kDepthwiseLanes, 0);
  for (size_t t = 0; t < taps; ++t) {
    const int16_t* x = corner + offsets[t];
    const int16_t* w = weights + static_cast<int64_t>(t) * kDepthwiseLanes;
    for (int64_t j = 0; j < kDepthwiseLanes; ++j) acc[j] += static_cast<int32_t>(x[j]) * static_cast<int32_t>(w[j]);
  }
}

#if TINYC_X86_KERNELS
static_assert(kDepthwiseLanes == 16, "a block is one AVX-512 vector or two AVX2 vectors of int32");

// Eight int16 values at `at` as int32 lanes.
TINYC_AVX2 inline __m256i widen8(const int16_t* at) {
  return _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(at)));
}

TINYC_AVX2 inline void block_sums_avx2(const int16_t* corner, const int16_t* weights, const int64_t* offsets,
                                       size_t taps, int32_t* acc) {
  __m256i low = _mm256_setzero_si256(), high = low;
  for (size_t t = 0; t < taps; ++t) {
    const int16_t* x = corner + offsets[t];
    const int16_t* w = weights + static_cast<int64_t>(t) * kDepthwiseLanes;
    low = _mm256_add_epi32(low, _mm256_mullo_epi32(widen8(x), widen8(w)));
    high = _mm256_add_epi32(high, _mm256_mullo_epi32(widen8(x + 8), widen8(w + 8)));
  }
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc), low);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + 8), high);
}

// Sixteen int16 values at `at` as int32 lanes.
TINYC_AVX512 inline __m512i widen16(const int16_t* at) {
  return _mm512_cvtepi16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(at)));
}

TINYC_AVX512 inline void block_sums_avx512(const int16_t* corner, const int16_t* weights, const int64_t* offsets,
                                           size_t taps, int32_t* acc) {
  __m512i sum = _mm512_setzero_si512();
  for (size_t t = 0; t < taps; ++t)
    sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(widen16(corner + offsets[t]),
                                                   widen16(weights + static_cast<int64_t>(t) * kDepthwiseLanes)));
  _mm512_storeu_si512(acc, sum);
}
#endif

// The sums of one block's `count` channels at every output position, channel-major (channel j's at
// sums[j * out_h * out_w]).
template <class BlockSums>
__attribute__((always_inline)) inline void window_sums(BlockSums block_sums, const int8_reference::ConvParams& p,
                                                       const PackedDepthwise& packed, const int16_t* weights,
                                                       const int16_t* padded, int64_t count, int32_t* sums) {
  const int64_t out_plane = p.out_h * p.out_w;
  for (int64_t oh = 0; oh < p.out_h; ++oh)
    for (int64_t ow = 0; ow < p.out_w; ++ow) {
      const int16_t* corner = padded + (oh * p.stride_h * packed.padded_w + ow * p.stride_w) * kDepthwiseLanes;
      alignas(64) int32_t acc[kDepthwiseLanes];
      block_sums(corner, weights, packed.offsets.data(), packed.offsets.size(), acc);
      for (int64_t j = 0; j < count; ++j) sums[j * out_plane + oh * p.out_w + ow] = acc[j];
    }
}

// The whole kernel, inlined into one function per instruction set so the compiler vectorizes its
// loops for each.
template <class BlockSums>
__attribute__((always_inline)) inline void depthwise(Isa isa, BlockSums block_sums, const int8_reference::ConvParams& p,
                                                     const PackedDepthwise& packed, const int8_t* input,
                                                     const int32_t* bias, int8_t* output, int16_t* padded,
                                                     int32_t* sums) {
  const int64_t in_image = p.groups * p.in_h * p.in_w, out_plane = p.out_h * p.out_w, channels = p.out_channels();
  const int64_t block_taps = static_cast<int64_t>(packed.offsets.size()) * kDepthwiseLanes;
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t block = 0; block < packed.blocks; ++block) {
      const int64_t first = block * kDepthwiseLanes, count = std::min(kDepthwiseLanes, channels - first);
      copy_channels_last(p, packed, input + n * in_image, input + p.batch * in_image, first, padded);
      window_sums(block_sums, p, packed, packed.taps.data() + block * block_taps, padded, count, sums);
      for (int64_t j = 0; j < count; ++j) {
        const int64_t oc = first + j;
        const RowRequantization r{bias ? bias[oc] : 0, p.multipliers[static_cast<size_t>(oc)], p.output_zero_point,
                                  p.activation};
        requantize_row(isa, sums + j * out_plane, out_plane, r, output + (n * channels + oc) * out_plane);
      }
    }
}

void depthwise_portable(const int8_reference::ConvParams& p, const PackedDepthwise& packed, const int8_t* input,
                        const int32_t* bias, int8_t* output, int16_t* padded, int32_t* sums) {
  depthwise(Isa::portable, block_sums_portable, p, packed, input, bias, output, padded, sums);
}

#if TINYC_X86_KERNELS
TINYC_AVX2 void depthwise_avx2(const int8_reference::ConvParams& p, const PackedDepthwise& packed,
                               const int8_t* input, const int32_t* bias, int8_t* output, int16_t* padded,
                               int32_t* sums) {
  depthwise(Isa::avx2, block_sums_avx2, p, packed, input, bias, output, padded, sums);
}

TINYC_AVX512 void depthwise_avx512(const int8_reference::ConvParams& p, const PackedDepthwise& packed,
                                   const int8_t* input, const int32_t* bias, int8_t* output, int16_t* padded,
                                   int32_t* sums) {
  depthwise(Isa::avx512, block_sums_avx512, p, packed, input, bias, output, padded, sums);
}
#endif

// Bytes of the padded copy, rounded up so that the sums after it are aligned.
size_t padded_bytes(const PackedDepthwise& packed) {
  const size_t bytes = static_cast<size_t>(packed.padded_h * packed.padded_w * kDepthwiseLanes) * sizeof(int16_t);
  return aligned_for<int32_t>(bytes);
}

}  // namespace

size_t channels_last_depthwise_scratch_bytes(const int8_reference::ConvParams& p, const PackedDepthwise& packed) {
  return padded_bytes(packed) + static_cast<size_t>(kDepthwiseLanes * p.out_h * p.out_w) * sizeof(int32_t);
}

void channels_last_depthwise_int8(Isa isa, const int8_reference::ConvParams& p, const PackedDepthwise& packed,
                              std::span<const int8_t> input, std::span<const int32_t> bias, std::span<int8_t> output,
                              std::span<std::byte> scratch) {
  using int8_reference::require_count;
  require_count(input.size(), p.input_count(), "DepthwiseConv int8", "input");
  require_count(bias.size(), p.has_bias ? p.out_channels() : 0, "DepthwiseConv int8", "bias");
  require_count(output.size(), p.output_count(), "DepthwiseConv int8", "output");
  require_scratch(scratch, channels_last_depthwise_scratch_bytes(p, packed), "DepthwiseConv int8");
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
