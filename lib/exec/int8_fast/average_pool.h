// Fast int8 AveragePool: per output row, the column sums of the window's input rows (one
// vectorizable pass per row), then each output's sum over its columns of them, divided by its
// in-bounds count; windows clipped to the image as TFLite's. Bit-exact with
// int8_reference::average_pool_int8, the oracle its tests compare with.
#pragma once

#include <cstddef>
#include <span>

#include "exec/int8_reference/int8_pool.h"

namespace tinyc::exec::int8_fast {

// Scratch fast_average_pool_int8 needs: one row of int32 column sums.
size_t fast_average_pool_scratch_bytes(const int8_reference::PoolParams& p);

// Same contract and result as int8_reference::average_pool_int8.
void fast_average_pool_int8(const int8_reference::PoolParams& p, std::span<const int8_t> input,
                            std::span<int8_t> output, std::span<std::byte> scratch);

}  // namespace tinyc::exec::int8_fast
