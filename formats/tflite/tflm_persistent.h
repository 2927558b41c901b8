// TensorFlow Lite Micro's persistent (tail) arena section for a model: the interpreter's own
// structs, one eval tensor per tensor, one node per operator, each kernel's op data and its
// per-channel multipliers and shifts. An estimate from a per-op table measured on TFLM 90b983c2.
#pragma once

#include <cstddef>

#include "formats/tflite/tinyc_tflite_generated.h"

namespace tinyc::tflite_format {

// The target's pointer width: a 32-bit MCU, or a 64-bit host (what tflm_run measures).
enum class PointerWidth { Bits32, Bits64 };

// Bytes TFLM keeps in the tail of its arena for `model` (reference kernels), beyond the head.
// Calibrated on 45 blobs (every op tinyc emits alone, with int8 and float I/O, a requantizing
// QUANTIZE, and the corpus models int8, pruned and with float I/O) against `arena_used_bytes` minus
// the head, on a Cortex-M4 (QEMU mps2-an386) and on the x86-64 host. The 32-bit figure was never
// below the measured one and at most 32 bytes above it (its fixed part carries that margin, so a RAM
// gate errs on the safe side); the 64-bit figure is within 32 bytes of tflm_run's (tests check it).
// An op missing from the table counts as the largest kernel in it.
size_t tflm_persistent_bytes(const tflite_fb::ModelT& model, PointerWidth width);

}  // namespace tinyc::tflite_format
