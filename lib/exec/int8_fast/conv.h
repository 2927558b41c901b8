// Fast int8 convolution for group 1: the input is unrolled once per image into columns of k-groups
// (padding as TFLite's zero point) and multiplied with the weights packed at prepare by a
// register-blocked product: u8 x s8 on AVX-512 VNNI (gemm_u8.h), int16 pairs elsewhere (gemm.h).
// Bit-exact with int8_reference::conv_int8, the oracle its tests compare with.
#pragma once

#include <cstddef>
#include <span>

#include "exec/int8_fast/gemm.h"
#include "exec/int8_fast/gemm_u8.h"
#include "exec/int8_reference/int8_conv.h"
#include "exec/kernels/padded_plane.h"

namespace tinyc::exec::int8_fast {

// The weights packed for one instruction set (`quads` on Isa::avx512, `pairs` elsewhere) and the
// padded layout of the input the product reads.
struct PackedConvWeights {
  Isa isa = Isa::portable;
  kernels::PaddedPlane layout;
  GemmWeights pairs;
  GemmWeightsU8 quads;
};

// True when fast_conv_int8 computes `p`: one group and non-negative multipliers.
bool fast_conv_applies(const int8_reference::ConvParams& p);

PackedConvWeights pack_conv_weights(Isa isa, const int8_reference::ConvParams& p, std::span<const int8_t> weights);

// Scratch fast_conv_int8 needs with these weights: one image's unrolled columns, padded copies and
// outputs.
size_t fast_conv_scratch_bytes(const int8_reference::ConvParams& p, const PackedConvWeights& weights);

// Same contract and result as int8_reference::conv_int8, on the instruction set the weights were
// packed for. Precondition: fast_conv_applies(p).
void fast_conv_int8(const int8_reference::ConvParams& p, const PackedConvWeights& weights,
                    std::span<const int8_t> input, std::span<const int32_t> bias, std::span<int8_t> output,
                    std::span<std::byte> scratch);

}  // namespace tinyc::exec::int8_fast
