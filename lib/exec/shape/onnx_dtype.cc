// The TensorProto.DataType numbering from onnx.proto (a fact of the format, not of any library).
#include "exec/shape/onnx_dtype.h"

namespace tinyc::exec::shape {

std::optional<ir::DType> dtype_from_onnx_code(int64_t code) {
  switch (code) {
    case 1: return ir::DType::Float32;
    case 2: return ir::DType::UInt8;
    case 3: return ir::DType::Int8;
    case 4: return ir::DType::UInt16;
    case 5: return ir::DType::Int16;
    case 6: return ir::DType::Int32;
    case 7: return ir::DType::Int64;
    case 8: return ir::DType::String;
    case 9: return ir::DType::Bool;
    case 10: return ir::DType::Float16;
    case 11: return ir::DType::Float64;
    case 12: return ir::DType::UInt32;
    case 13: return ir::DType::UInt64;
    default: return std::nullopt;
  }
}

}  // namespace tinyc::exec::shape
