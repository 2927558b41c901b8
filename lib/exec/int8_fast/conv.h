// Fast int8 convolution for group 1: the input is unrolled once per image into k-paired columns
// of (x - z_in) (im2col, padding as 0) and multiplied with the weights packed at prepare by the
// register-blocked int8 product (gemm.h). Bit-exact with int8_reference::conv_int8, the oracle its
// tests compare with.
#pragma once

#include <cstddef>
#include <span>

#include "exec/int8_fast/gemm.h"
#include "exec/int8_reference/int8_conv.h"

namespace tinyc::exec::int8_fast {

// True when fast_conv_int8 computes `p`: one group and non-negative multipliers.
bool fast_conv_applies(const int8_reference::ConvParams& p);

GemmWeights pack_conv_weights(const int8_reference::ConvParams& p, std::span<const int8_t> weights);

// Scratch fast_conv_int8 needs: one image's unrolled columns.
size_t fast_conv_scratch_bytes(const int8_reference::ConvParams& p);

// Same contract and result as int8_reference::conv_int8, on `isa`. Precondition: fast_conv_applies(p).
void fast_conv_int8(Isa isa, const int8_reference::ConvParams& p, const GemmWeights& weights,
                    std::span<const int8_t> input, std::span<const int32_t> bias, std::span<int8_t> output,
                    std::span<std::byte> scratch);

}  // namespace tinyc::exec::int8_fast
