// A quantized value's parameters as the scale and zero point tensors that ONNX's QuantizeLinear and
// DequantizeLinear take as inputs (tinyc keeps them on the value, ir::QuantParams).
#pragma once

#include "ir/tensor.h"
#include "ir/value.h"

namespace tinyc::onnx_format {

// The two initializers of one quantized value.
struct QdqParamTensors {
  ir::Tensor scale;       // float32: a scalar per tensor, [channels] per channel
  ir::Tensor zero_point;  // the value's dtype (int8, uint8 or int32), same shape as scale
};

// Throws InputError, naming the value, when its parameters have no QDQ form: a dtype other than
// int8, uint8 or int32, scale and zero point counts that differ, a scale that is not positive and
// finite, a zero point outside the dtype, or per-channel parameters whose count is not the size of
// the value's `axis`.
void check_qdq_params(const ir::Value& v);

// Precondition: check_qdq_params(v) passed.
QdqParamTensors qdq_param_tensors(const ir::Value& v);

}  // namespace tinyc::onnx_format
