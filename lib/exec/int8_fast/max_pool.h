// Fast int8 MaxPool: per output row, the elementwise max of the window's input rows (one
// vectorizable pass per row), then each output's max over its columns of that row; windows clipped
// to the image as TFLite's. Bit-exact with int8_reference::max_pool_int8, the oracle its tests
// compare with (a max has no rounding to get wrong, only windows).
#pragma once

#include <cstddef>
#include <span>

#include "exec/isa.h"
#include "exec/int8_reference/int8_pool.h"

namespace tinyc::exec::int8_fast {

// Scratch fast_max_pool_int8 needs: one input row.
size_t fast_max_pool_scratch_bytes(const int8_reference::PoolParams& p);

// Same contract and result as int8_reference::max_pool_int8, on `isa`.
void fast_max_pool_int8(Isa isa, const int8_reference::PoolParams& p, std::span<const int8_t> input, std::span<int8_t> output,
                        std::span<std::byte> scratch);

}  // namespace tinyc::exec::int8_fast
