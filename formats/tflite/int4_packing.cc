// Nibble packing of INT4 tensors.
#include "formats/tflite/int4_packing.h"

#include <string>

#include "ir/error.h"

namespace tinyc::tflite_format {

std::vector<uint8_t> pack_int4(std::span<const int8_t> values) {
  std::vector<uint8_t> bytes((values.size() + 1) / 2, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] < -8 || values[i] > 7)
      throw InternalError("pack_int4: value " + std::to_string(values[i]) + " does not fit in 4 bits");
    const auto nibble = static_cast<uint8_t>(values[i] & 0x0F);
    bytes[i / 2] |= static_cast<uint8_t>(i % 2 == 0 ? nibble : nibble << 4);
  }
  return bytes;
}

std::vector<int8_t> unpack_int4(std::span<const uint8_t> bytes, int64_t count) {
  if (count < 0 || bytes.size() != static_cast<size_t>((count + 1) / 2))
    throw InputError("an INT4 tensor of " + std::to_string(count) + " values holds " + std::to_string(bytes.size()) +
                     " bytes; expected " + std::to_string((count + 1) / 2));
  std::vector<int8_t> values(static_cast<size_t>(count));
  for (size_t i = 0; i < values.size(); ++i) {
    const int nibble = i % 2 == 0 ? bytes[i / 2] & 0x0F : bytes[i / 2] >> 4;
    values[i] = static_cast<int8_t>(nibble >= 8 ? nibble - 16 : nibble);
  }
  return values;
}

}  // namespace tinyc::tflite_format
