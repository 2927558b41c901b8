// Serializes a .tflite model with every identical int list, scale list, zero-point list,
// quantization table and operator options table stored once: FlatBuffers tables may point at one
// shared object, and a file's tensors repeat shapes and zero points far more often than they differ.
#pragma once

#include <string>

#include "formats/tflite/tinyc_tflite_generated.h"

namespace tinyc::tflite_format {

// The finished file (identifier "TFL3") of `model`; the same model gives the same bytes.
std::string pack_sharing_identical(const tflite_fb::ModelT& model);

}  // namespace tinyc::tflite_format
