// Element types of ONNX files: ir::onnx_dtype_codes' table with the importer's errors for types the IR cannot hold.
#pragma once

#include <cstdint>
#include <string>

#include "ir/dtype.h"

namespace tinyc::onnx_format {

// `what` names the tensor or value for the error ("tensor 'w'", "input 'x'"). Throws InputError
// for types the IR cannot hold (bfloat16, complex) and for UNDEFINED or unknown numbers.
ir::DType dtype_from_onnx(int32_t elem_type, const std::string& what);

// ONNX number of an IR dtype; 0 (UNDEFINED) for DType::Undefined.
int32_t dtype_to_onnx(ir::DType t);

}  // namespace tinyc::onnx_format
