// Fast int8 depthwise convolution over zero-padded planes of input differences, row by row.
#include "exec/int8_fast/depthwise_conv.h"

#include <algorithm>

#include "exec/int8_fast/dot.h"
#include "exec/int8_fast/padded_plane.h"
#include "exec/int8_fast/requantize.h"
#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

bool fast_depthwise_conv_applies(const int8_reference::ConvParams& p) {
  return p.group_in == 1 && p.kernel_h * p.kernel_w <= kMaxDotTerms;
}

namespace {

// Stride 1 both ways: a channel's sums are computed over the padded plane's own row pitch, so each
// tap is one long loop over out_h rows at once; the kernel_w - 1 extra columns per row are dropped
// when requantizing.
bool plane_pitched(const int8_reference::ConvParams& p) { return p.stride_h == 1 && p.stride_w == 1; }

// The sums of output channel `oc` over one input plane: at oy * cols + ox when plane_pitched,
// else at oy * out_w + ox. Each product is int16 x int8 in int32; the bound on taps keeps the sum
// from wrapping.
__attribute__((always_inline)) inline void channel_sums(const int8_reference::ConvParams& p, PlaneSize size,
                                                        const int16_t* plane, const int8_t* w, int32_t* sums) {
  if (plane_pitched(p)) {
    const int64_t count = (p.out_h - 1) * size.cols + p.out_w;
    std::fill_n(sums, count, 0);
    for (int64_t ky = 0; ky < p.kernel_h; ++ky)
      for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
        const int32_t tap = w[ky * p.kernel_w + kx];
        const int16_t* x = plane + ky * p.dilation_h * size.cols + kx * p.dilation_w;
        for (int64_t n = 0; n < count; ++n) sums[n] += tap * x[n];
      }
    return;
  }
  std::fill_n(sums, p.out_h * p.out_w, 0);
  for (int64_t oy = 0; oy < p.out_h; ++oy) {
    int32_t* row_sums = sums + oy * p.out_w;
    for (int64_t ky = 0; ky < p.kernel_h; ++ky)
      for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
        const int32_t tap = w[ky * p.kernel_w + kx];
        const int16_t* x = plane + (oy * p.stride_h + ky * p.dilation_h) * size.cols + kx * p.dilation_w;
        for (int64_t ox = 0; ox < p.out_w; ++ox) row_sums[ox] += tap * x[ox * p.stride_w];
      }
  }
}

int64_t sums_count(const int8_reference::ConvParams& p) {
  return plane_pitched(p) ? p.out_h * plane_size(p).cols : p.out_h * p.out_w;
}

// The whole kernel, inlined into one function per instruction set so the compiler vectorizes its
// loops for each.
__attribute__((always_inline)) inline void depthwise(Isa isa, const int8_reference::ConvParams& p,
                                                     const int8_t* input, const int8_t* weights, const int32_t* bias,
                                                     int8_t* output, int16_t* plane, int32_t* sums,
                                                     int8_t* staged) {
  const PlaneSize size = plane_size(p);
  const int64_t taps = p.kernel_h * p.kernel_w, in_plane = p.in_h * p.in_w, out_plane = p.out_h * p.out_w;
  const int64_t pitch = plane_pitched(p) ? size.cols : p.out_w;
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t c = 0; c < p.groups; ++c) {
      fill_plane(p, input + (n * p.groups + c) * in_plane, size, plane);
      for (int64_t m = 0; m < p.group_out; ++m) {
        const int64_t oc = c * p.group_out + m;
        channel_sums(p, size, plane, weights + oc * taps, sums);
        const RowRequantization r{bias ? bias[oc] : 0, p.multipliers[static_cast<size_t>(oc)], p.output_zero_point,
                                  p.activation};
        int8_t* y = output + (n * p.out_channels() + oc) * out_plane;
        if (pitch == p.out_w) {
          requantize_row(isa, sums, out_plane, r, y);
          continue;
        }
        // One long row over the pitched sums, then the valid columns of each output row.
        requantize_row(isa, sums, (p.out_h - 1) * pitch + p.out_w, r, staged);
        for (int64_t oy = 0; oy < p.out_h; ++oy) std::copy_n(staged + oy * pitch, p.out_w, y + oy * p.out_w);
      }
    }
}

void depthwise_portable(const int8_reference::ConvParams& p, const int8_t* input, const int8_t* weights,
                        const int32_t* bias, int8_t* output, int16_t* plane, int32_t* sums, int8_t* staged) {
  depthwise(Isa::portable, p, input, weights, bias, output, plane, sums, staged);
}

#if TINYC_X86_KERNELS
TINYC_AVX2 void depthwise_avx2(const int8_reference::ConvParams& p, const int8_t* input,
                                                    const int8_t* weights, const int32_t* bias, int8_t* output,
                                                    int16_t* plane, int32_t* sums, int8_t* staged) {
  depthwise(Isa::avx2, p, input, weights, bias, output, plane, sums, staged);
}
#endif

}  // namespace

// The padded plane, the sums (aligned), the staged outputs of a pitched channel.
size_t fast_depthwise_conv_scratch_bytes(const int8_reference::ConvParams& p) {
  return static_cast<size_t>(plane_size(p).count()) * sizeof(int16_t) + alignof(int32_t) +
         static_cast<size_t>(sums_count(p)) * (sizeof(int32_t) + 1);
}

void fast_depthwise_conv_int8(Isa isa, const int8_reference::ConvParams& p, std::span<const int8_t> input,
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
  auto* plane = reinterpret_cast<int16_t*>(scratch.data());
  const size_t plane_bytes = static_cast<size_t>(plane_size(p).count()) * sizeof(int16_t);
  const size_t sums_offset = (plane_bytes + alignof(int32_t) - 1) / alignof(int32_t) * alignof(int32_t);
  auto* sums = reinterpret_cast<int32_t*>(scratch.data() + sums_offset);
  auto* staged = reinterpret_cast<int8_t*>(sums + sums_count(p));
  const int32_t* bias_values = p.has_bias ? bias.data() : nullptr;
#if TINYC_X86_KERNELS
  if (has_avx2(isa))
    return depthwise_avx2(p, input.data(), weights.data(), bias_values, output.data(), plane, sums, staged);
#endif
  depthwise_portable(p, input.data(), weights.data(), bias_values, output.data(), plane, sums, staged);
}

}  // namespace tinyc::exec::int8_fast
