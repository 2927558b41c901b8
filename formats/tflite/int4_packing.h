// TFLite INT4 tensors hold two values per byte, the first in the low nibble (TFLM's
// UnpackDenseInt4IntoInt8); an odd count leaves the last high nibble 0.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace tinyc::tflite_format {

// Values in [-8, 7], packed; InternalError for a value outside.
std::vector<uint8_t> pack_int4(std::span<const int8_t> values);

// `count` values from packed bytes (sign-extended nibbles); InputError when `bytes` is not
// (count + 1) / 2 long.
std::vector<int8_t> unpack_int4(std::span<const uint8_t> bytes, int64_t count);

}  // namespace tinyc::tflite_format
