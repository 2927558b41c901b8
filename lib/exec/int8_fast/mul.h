// Fast int8 Mul for operands of one shape or a one-element operand (a gate, a scale), TFLite's MUL
// arithmetic sixteen lanes at a time; other broadcasts take the reference walk. Bit-exact with
// int8_reference::mul_int8, the oracle its tests compare with.
#pragma once

#include <span>

#include "exec/isa.h"
#include "exec/int8_reference/int8_mul.h"

namespace tinyc::exec::int8_fast {

// Same contract and result as int8_reference::mul_int8, on `isa` when the shapes are equal or one
// operand has one element.
void fast_mul_int8(Isa isa, const int8_reference::MulParams& p, std::span<const int8_t> a, std::span<const int8_t> b,
                   std::span<int8_t> output);

namespace detail {
// Elements [0, count) of a times b (b of one element when `b_scalar`); returns how many it wrote (a
// multiple of 16).
int64_t mul_int8_avx2(const int8_reference::MulParams& p, const int8_t* a, const int8_t* b, bool b_scalar,
                      int8_t* output, int64_t count);
}  // namespace detail

}  // namespace tinyc::exec::int8_fast
