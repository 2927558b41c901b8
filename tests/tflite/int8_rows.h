// Feeding and reading back int8 .tflite interfaces in tests: float NCHW rows quantized as the
// graph's input QuantizeLinear does (NHWC for the file), and tinyc's dequantized outputs turned back
// into the int8 values a runtime writes; seeded rows for a .tflite file's int8 input.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "exec/int8_reference/quant_math.h"
#include "ir/graph.h"
#include "ir/tensor.h"

namespace tinyc::tflite_test {

// The int8 parameters of a quantized graph's interface: the QuantizeLinear after its (only) input,
// the DequantizeLinear before its (only) output.
exec::int8_reference::AffineParams input_params(const ir::Graph& g);
exec::int8_reference::AffineParams output_params(const ir::Graph& g);

// Float NCHW rows -> int8 rows with the QuantizeLinear rounding, in the .tflite's NHWC order.
ir::Tensor int8_nhwc(const ir::Tensor& rows, exec::int8_reference::AffineParams p);

// tinyc's dequantized outputs back to their int8 values, in NHWC order when rank 4.
ir::Tensor int8_of(const ir::Tensor& dequantized, exec::int8_reference::AffineParams p);

// A .tflite file's (first) int8 input: shape, scale, zero point, as TFLM reads them.
struct FileInput {
  std::vector<int32_t> shape;
  float scale = 1;
  int64_t zero_point = 0;
};
FileInput file_input(const std::filesystem::path& model);

// `rows` float rows in the file's NHWC shape, uniform over the int8 input's float range
// ((-128 - zp) * scale, (127 - zp) * scale), seeded.
ir::Tensor uniform_rows(const FileInput& in, int64_t rows, uint32_t seed);

}  // namespace tinyc::tflite_test
