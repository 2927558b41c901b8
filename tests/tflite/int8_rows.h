// Feeding and reading back int8 .tflite interfaces in tests: float NCHW rows quantized as the
// graph's input QuantizeLinear does (NHWC for the file), and tinyc's dequantized outputs turned back
// into the int8 values a runtime writes.
#pragma once

#include "exec/quant/quant_math.h"
#include "ir/graph.h"
#include "ir/tensor.h"

namespace tinyc::tflite_test {

// The int8 parameters of a quantized graph's interface: the QuantizeLinear after its (only) input,
// the DequantizeLinear before its (only) output.
exec::quant::AffineParams input_params(const ir::Graph& g);
exec::quant::AffineParams output_params(const ir::Graph& g);

// Float NCHW rows -> int8 rows with the QuantizeLinear rounding, in the .tflite's NHWC order.
ir::Tensor int8_nhwc(const ir::Tensor& rows, exec::quant::AffineParams p);

// tinyc's dequantized outputs back to their int8 values, in NHWC order when rank 4.
ir::Tensor int8_of(const ir::Tensor& dequantized, exec::quant::AffineParams p);

}  // namespace tinyc::tflite_test
