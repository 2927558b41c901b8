// Fast int8 fully connected layer: each input row becomes int16 differences (x - z_in) once, and
// every output is a SIMD dot product with a weight row of (w - z_w) packed at prepare. Bit-exact
// with int8_reference::fully_connected_int8, the oracle its tests compare with.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "exec/isa.h"
#include "exec/int8_reference/int8_fully_connected.h"

namespace tinyc::exec::int8_fast {

// The weights minus their zero point as int16 rows of K values, one per unit.
struct PackedFullyConnectedWeights {
  std::vector<int16_t> rows;
};

// True when fast_fully_connected_int8 computes `p`: at most kMaxDotTerms values per row.
bool fast_fully_connected_applies(const int8_reference::FullyConnectedParams& p);

// `weights` is units x K, as int8_reference::fully_connected_int8 takes it.
PackedFullyConnectedWeights pack_fully_connected_weights(const int8_reference::FullyConnectedParams& p,
                                                         std::span<const int8_t> weights);

// Scratch fast_fully_connected_int8 needs: one row of differences.
size_t fast_fully_connected_scratch_bytes(const int8_reference::FullyConnectedParams& p);

// Same contract and result as int8_reference::fully_connected_int8, on `isa`. Precondition:
// fast_fully_connected_applies(p).
void fast_fully_connected_int8(Isa isa, const int8_reference::FullyConnectedParams& p,
                               const PackedFullyConnectedWeights& weights, std::span<const int8_t> input,
                               std::span<const int32_t> bias, std::span<int8_t> output, std::span<std::byte> scratch);

}  // namespace tinyc::exec::int8_fast
