// Fast int8 depthwise convolution plane by plane: padded copies of input differences, in runs over the wide grid.
#include "exec/int8_fast/depthwise_planes.h"

#include <algorithm>

#include "exec/int8_fast/padded_plane.h"
#include "exec/int8_fast/requantize.h"
#include "exec/int8_fast/requantize_avx2.h"
#include "exec/int8_fast/scratch.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

namespace {

// Positions per block of the AVX2 sums: the padded copies are readable to whole blocks of
// kernels::kPaddedBlock past the wide grid.
constexpr int64_t kBlock = kernels::kPaddedBlock;

// The sums of output channel `oc` over one input channel's phase planes at every pitched position,
// tap by tap over the whole run (a loop the compiler vectorizes). Each product is int8 x int16 in
// int32; the bound on taps keeps the sum from wrapping.
void channel_sums(const kernels::PaddedPlane& layout, const int16_t* plane, const int8_t* w, int32_t* sums) {
  const int64_t count = layout.wide_count;
  std::fill_n(sums, count, 0);
  for (size_t t = 0; t < layout.taps.size(); ++t) {
    const int32_t tap = w[t];
    const int16_t* x = plane + layout.taps[t];
    for (int64_t n = 0; n < count; ++n) sums[n] += tap * x[n];
  }
}

#if TINYC_X86_KERNELS
// channel_sums with AVX2, kBlock positions at a time, all taps added in registers: pmaddwd of 16
// inputs with (tap, 0) and with (0, tap) gives the even and the odd positions' products in int32,
// which are interleaved back once per block.
TINYC_AVX2 void channel_sums_avx2(const kernels::PaddedPlane& layout, const int16_t* plane, const int8_t* w,
                                  int32_t* sums) {
  static_assert(kBlock == 64, "a block is four vectors of 16 positions");
  const int64_t count = layout.wide_count;
  for (int64_t n0 = 0; n0 < count; n0 += kBlock) {
    __m256i even0 = _mm256_setzero_si256(), odd0 = even0, even1 = even0, odd1 = even0, even2 = even0, odd2 = even0,
            even3 = even0, odd3 = even0;
    for (size_t t = 0; t < layout.taps.size(); ++t) {
      const auto tap = static_cast<uint16_t>(static_cast<int16_t>(w[t]));
      const __m256i low = _mm256_set1_epi32(tap), high = _mm256_set1_epi32(static_cast<int32_t>(tap) << 16);
      const int16_t* x = plane + n0 + layout.taps[t];
      const auto add = [&](__m256i& even, __m256i& odd, int64_t at) TINYC_AVX2 {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + at));
        even = _mm256_add_epi32(even, _mm256_madd_epi16(v, low));
        odd = _mm256_add_epi32(odd, _mm256_madd_epi16(v, high));
      };
      add(even0, odd0, 0);
      add(even1, odd1, 16);
      add(even2, odd2, 32);
      add(even3, odd3, 48);
    }
    alignas(32) int32_t block[kBlock];
    const auto put = [&](__m256i even, __m256i odd, int64_t at) TINYC_AVX2 {
      const __m256i lo = _mm256_unpacklo_epi32(even, odd), hi = _mm256_unpackhi_epi32(even, odd);
      _mm256_store_si256(reinterpret_cast<__m256i*>(block + at), _mm256_permute2x128_si256(lo, hi, 0x20));
      _mm256_store_si256(reinterpret_cast<__m256i*>(block + at + 8), _mm256_permute2x128_si256(lo, hi, 0x31));
    };
    put(even0, odd0, 0);
    put(even1, odd1, 16);
    put(even2, odd2, 32);
    put(even3, odd3, 48);
    std::copy_n(block, std::min(kBlock, count - n0), sums + n0);
  }
}
#endif

// The whole kernel, inlined into one function per instruction set so the compiler vectorizes its
// loops for each.
template <class Sums>
__attribute__((always_inline)) inline void depthwise(Isa isa, Sums channel_sums, const int8_reference::ConvParams& p,
                                                     const kernels::PaddedPlane& layout, const int8_t* input,
                                                     const int8_t* weights, const int32_t* bias, int8_t* output,
                                                     int16_t* plane, int32_t* sums, int8_t* staged) {
  const int64_t taps = p.kernel_h * p.kernel_w, in_plane = p.in_h * p.in_w, out_plane = p.out_h * p.out_w;
  clear_planes(layout, p, plane, 1);
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t c = 0; c < p.groups; ++c) {
      copy_plane(layout, p, input + (n * p.groups + c) * in_plane, plane);
      for (int64_t m = 0; m < p.group_out; ++m) {
        const int64_t oc = c * p.group_out + m;
        channel_sums(layout, plane, weights + oc * taps, sums);
        const RowRequantization r{bias ? bias[oc] : 0, p.multipliers[static_cast<size_t>(oc)], p.output_zero_point,
                                  p.activation};
        int8_t* y = output + (n * p.out_channels() + oc) * out_plane;
        if (layout.width == p.out_w) {
          requantize_row(isa, sums, out_plane, r, y);
          continue;
        }
        // One long row over the wide grid's sums, then the valid columns of each output row.
        requantize_row(isa, sums, layout.wide_count, r, staged);
        kernels::compact_plane(layout, staged, y);
      }
    }
}

void depthwise_portable(const int8_reference::ConvParams& p, const kernels::PaddedPlane& layout, const int8_t* input,
                        const int8_t* weights, const int32_t* bias, int8_t* output, int16_t* plane, int32_t* sums,
                        int8_t* staged) {
  depthwise(Isa::portable, channel_sums, p, layout, input, weights, bias, output, plane, sums, staged);
}

#if TINYC_X86_KERNELS
TINYC_AVX2 void depthwise_avx2(const int8_reference::ConvParams& p, const kernels::PaddedPlane& layout,
                               const int8_t* input, const int8_t* weights, const int32_t* bias, int8_t* output,
                               int16_t* plane, int32_t* sums, int8_t* staged) {
  depthwise(Isa::avx2, channel_sums_avx2, p, layout, input, weights, bias, output, plane, sums, staged);
}
#endif

}  // namespace

// One channel's padded copy, its sums over the wide grid (aligned) and its staged outputs.
size_t planes_depthwise_scratch_bytes(const kernels::PaddedPlane& layout) {
  return static_cast<size_t>(layout.size()) * sizeof(int16_t) + alignof(int32_t) +
         static_cast<size_t>(layout.wide_count) * (sizeof(int32_t) + 1);
}

void planes_depthwise_int8(Isa isa, const int8_reference::ConvParams& p, const kernels::PaddedPlane& layout,
                              std::span<const int8_t> input, std::span<const int8_t> weights,
                              std::span<const int32_t> bias, std::span<int8_t> output, std::span<std::byte> scratch) {
  using int8_reference::require_count;
  require_count(input.size(), p.input_count(), "DepthwiseConv int8", "input");
  require_count(weights.size(), p.weights_count(), "DepthwiseConv int8", "weights");
  require_count(bias.size(), p.has_bias ? p.out_channels() : 0, "DepthwiseConv int8", "bias");
  require_count(output.size(), p.output_count(), "DepthwiseConv int8", "output");
  require_scratch(scratch, planes_depthwise_scratch_bytes(layout), "DepthwiseConv int8");
  auto* plane = reinterpret_cast<int16_t*>(scratch.data());
  const size_t plane_bytes = static_cast<size_t>(layout.size()) * sizeof(int16_t);
  const size_t sums_offset = aligned_for<int32_t>(plane_bytes);
  auto* sums = reinterpret_cast<int32_t*>(scratch.data() + sums_offset);
  auto* staged = reinterpret_cast<int8_t*>(sums + layout.wide_count);
  const int32_t* bias_values = p.has_bias ? bias.data() : nullptr;
#if TINYC_X86_KERNELS
  if (has_avx2(isa))
    return depthwise_avx2(p, layout, input.data(), weights.data(), bias_values, output.data(), plane, sums, staged);
#endif
  depthwise_portable(p, layout, input.data(), weights.data(), bias_values, output.data(), plane, sums, staged);
}

}  // namespace tinyc::exec::int8_fast
