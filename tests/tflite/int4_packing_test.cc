// INT4 packing: the nibble order TFLM's unpacker reads (first value low), sign extension, odd
// counts, and the refusals.
#include <catch2/catch.hpp>

#include "formats/tflite/int4_packing.h"
#include "ir/error.h"

using namespace tinyc;

TEST_CASE("int4 packing: low nibble first, two's complement, an odd count leaves the last high nibble 0",
          "[tflite][int4]") {
  const std::vector<int8_t> values = {1, -1, -8, 7, 0, -3, 5};
  const std::vector<uint8_t> packed = tflite_format::pack_int4(values);
  CHECK(packed == std::vector<uint8_t>{0xF1, 0x78, 0xD0, 0x05});
  CHECK(tflite_format::unpack_int4(packed, 7) == values);
  std::vector<int8_t> all;
  for (int v = -8; v <= 7; ++v) all.push_back(static_cast<int8_t>(v));
  CHECK(tflite_format::unpack_int4(tflite_format::pack_int4(all), 16) == all);
}

TEST_CASE("int4 packing: values outside -8..7 and byte counts that do not match are refused", "[tflite][int4]") {
  const std::vector<int8_t> too_big = {8};
  CHECK_THROWS_AS(tflite_format::pack_int4(too_big), InternalError);
  const std::vector<uint8_t> three = {0, 0, 0};
  CHECK_THROWS_WITH(tflite_format::unpack_int4(three, 7), Catch::Contains("holds 3 bytes; expected 4"));
}
