// Fast int8 convolution for group 1: the input is unrolled once per image into rows of (x - z_in)
// (im2col, padding as 0) and every output is a SIMD dot product of such a row with a weight row
// packed at prepare. Bit-exact with int8_reference::conv_int8, the oracle its tests compare with.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "exec/int8_reference/int8_conv.h"

namespace tinyc::exec::int8_fast {

// The weights as int16 rows, one of group_in * kH * kW values per output channel.
struct PackedConvWeights {
  std::vector<int16_t> rows;
  int64_t depth = 0;
};

// True when fast_conv_int8 computes `p`: one group and at most kMaxDotTerms taps per output.
bool fast_conv_applies(const int8_reference::ConvParams& p);

PackedConvWeights pack_conv_weights(const int8_reference::ConvParams& p, std::span<const int8_t> weights);

// Scratch fast_conv_int8 needs: one image's unrolled rows.
size_t fast_conv_scratch_bytes(const int8_reference::ConvParams& p);

// Same contract and result as int8_reference::conv_int8. Precondition: fast_conv_applies(p).
void fast_conv_int8(const int8_reference::ConvParams& p, const PackedConvWeights& weights,
                    std::span<const int8_t> input, std::span<const int32_t> bias, std::span<int8_t> output,
                    std::span<std::byte> scratch);

}  // namespace tinyc::exec::int8_fast
