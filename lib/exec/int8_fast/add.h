// Fast int8 Add for operands of one shape (a residual connection's sum), TFLite's ADD arithmetic
// eight or sixteen lanes at a time; broadcasting operands take the reference walk. Bit-exact with
// int8_reference::add_int8, the oracle its tests compare with.
#pragma once

#include <span>

#include "exec/isa.h"
#include "exec/int8_reference/int8_add.h"

namespace tinyc::exec::int8_fast {

// Same contract and result as int8_reference::add_int8, on `isa` when the shapes are equal.
void fast_add_int8(Isa isa, const int8_reference::AddParams& p, std::span<const int8_t> a, std::span<const int8_t> b,
                   std::span<int8_t> output);

namespace detail {
// Elements [0, count) of equal-shaped operands; returns how many it wrote (a multiple of 16).
int64_t add_int8_avx2(const int8_reference::AddParams& p, const int8_t* a, const int8_t* b, int8_t* output,
                      int64_t count);
}  // namespace detail

}  // namespace tinyc::exec::int8_fast
