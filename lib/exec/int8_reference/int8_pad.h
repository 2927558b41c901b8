// int8 constant Pad: the border is filled with the zero point (the quantized 0.0), as TFLite
// Micro's Pad does when no constant is given; input and output share their parameters.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/int8_common.h"
#include "exec/int8_reference/quant_math.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// Where the input lands inside the padded output, computed once by prepare_pad.
struct PadParams {
  StridedWalk input_walk;    // input dims but the last (the rows) with their strides in the output
  int64_t row = 1;           // the last input dim: contiguous in input and output
  int64_t first_offset = 0;  // output offset of input element 0
  int64_t input_count = 0;
  int64_t output_count = 0;
  int8_t fill = 0;  // the zero point
};

// `pads` in ONNX order: all begins, then all ends, each >= 0. InputError when the parameters differ
// between input and output, a pad is negative, or the rank exceeds kMaxDims.
PadParams prepare_pad(const ir::Shape& input, std::span<const int64_t> pads, const ir::QuantParams& input_q,
                      const ir::QuantParams& output_q);

void pad_int8(const PadParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
