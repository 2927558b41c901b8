// The non-persistent bytes TensorFlow Lite Micro uses while it sets a model up, before the head holds
// activations: each kernel's Prepare reads its tensors as temporary TfLiteTensors (with their
// quantization arrays), and the memory planner works in arrays sized by the number of buffers. A model
// whose head is smaller than this needs the larger figure (plus the tail) as its arena.
#pragma once

#include <cstddef>

#include "formats/tflite/arena_plan.h"
#include "formats/tflite/tflm_persistent.h"
#include "formats/tflite/tinyc_tflite_generated.h"

namespace tinyc::tflite_format {

// The most bytes of the head TFLM 90b983c2 occupies at one time while it runs the kernels' Prepare
// and plans `plan`'s buffers for `model` (reference kernels), from the sizes of its structs at this
// pointer width.
size_t tflm_setup_bytes(const tflite_fb::ModelT& model, const ArenaPlan& plan, PointerWidth width);

}  // namespace tinyc::tflite_format
