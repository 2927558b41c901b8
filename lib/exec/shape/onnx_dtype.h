// ONNX TensorProto.DataType codes as they appear in node attributes (Cast 'to'), mapped to ir::DType.
#pragma once

#include <cstdint>
#include <optional>

#include "ir/dtype.h"

namespace tinyc::exec::shape {

// nullopt for codes tinyc cannot hold (bfloat16, complex, float8, 4-bit types) or unknown codes.
std::optional<ir::DType> dtype_from_onnx_code(int64_t code);

}  // namespace tinyc::exec::shape
