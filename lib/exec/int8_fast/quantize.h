// Fast int8 Quantize (float -> int8, a float model's input edge): TFLite's rounding of x / scale,
// ties away from zero, written as truncation plus a test of the dropped fraction so the compiler
// vectorizes it. Bit-exact with int8_reference::quantize_int8, the oracle its tests compare with.
#pragma once

#include <span>

#include "exec/isa.h"
#include "exec/int8_reference/int8_quantize.h"

namespace tinyc::exec::int8_fast {

// Same contract and result as int8_reference::quantize_int8, on `isa`.
void fast_quantize_int8(Isa isa, const int8_reference::AffineKernelParams& p, std::span<const float> input,
                        std::span<int8_t> output);

}  // namespace tinyc::exec::int8_fast
