// User data in and out of a .tflite model imported with the file's own interface
// (ImportOptions::float_edges = false): rows in tinyc's NCHW layout or the file's NHWC one, float rows
// quantized as TFLite's QUANTIZE does, outputs back in the file's layout and type.
#pragma once

#include <string>

#include "ir/shape.h"
#include "ir/tensor.h"
#include "ir/value.h"

namespace tinyc::tflite_format {

// The file's shape of an imported value: NHWC for rank 4, the IR shape otherwise.
ir::Shape file_shape_of(const ir::Value& v);

// Rows for graph input `input` (batch 1 in the model; rows along dim 0 of `data`). A rank-4 input
// takes NCHW rows [N, C, H, W] (tinyc's convention) or NHWC rows [N, H, W, C] (the file's); when both
// shapes are the same (C = H = W) the rows are read as NCHW, and for C = 1 both orders coincide. An
// int8 input takes int8 rows unchanged or float32/float64 rows quantized as TFLite's QUANTIZE does:
// clamp(round_half_away_from_zero(x / scale) + zero_point) with the division in float; a float32
// input takes float32/float64 rows. Returns the rows in the input's dtype and NCHW layout;
// InputError naming `source` otherwise.
ir::Tensor tflite_input_rows(const ir::Value& input, ir::Tensor data, const std::string& source);

// Rows of graph output `output` as the file has them: rank 4 back to NHWC, int8 kept, or with
// `dequantize` an int8 output as float32 scale * (q - zero_point).
ir::Tensor tflite_output_rows(const ir::Value& output, const ir::Tensor& rows, bool dequantize);

}  // namespace tinyc::tflite_format
