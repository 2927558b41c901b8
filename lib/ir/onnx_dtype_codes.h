// ONNX TensorProto element-type numbers, which node attributes such as Cast.to use: the IR keeps
// its own DType enum, and node attributes follow ONNX semantics, so the one table lives here.
#pragma once

#include <cstdint>
#include <optional>

#include "ir/dtype.h"

namespace tinyc::ir {

// The DType of an ONNX element-type number; nullopt for UNDEFINED (0), for types the IR cannot
// hold (bfloat16, complex, float8, 4-bit) and for unknown numbers.
std::optional<DType> dtype_from_onnx_code(int64_t code);

// The ONNX element-type number of a DType; 0 (UNDEFINED) for DType::Undefined.
int32_t onnx_code_of(DType t);

}  // namespace tinyc::ir
