// The table between ONNX element-type numbers and ir::DType.
#include "formats/onnx/dtype_map.h"

#include <onnx/onnx_pb.h>

#include <array>
#include <utility>

#include "ir/error.h"

namespace tinyc::onnx_format {

namespace {
using onnx::TensorProto;

constexpr std::array<std::pair<int32_t, ir::DType>, 13> kTable{{
    {TensorProto::FLOAT, ir::DType::Float32},
    {TensorProto::DOUBLE, ir::DType::Float64},
    {TensorProto::FLOAT16, ir::DType::Float16},
    {TensorProto::INT8, ir::DType::Int8},
    {TensorProto::UINT8, ir::DType::UInt8},
    {TensorProto::INT16, ir::DType::Int16},
    {TensorProto::UINT16, ir::DType::UInt16},
    {TensorProto::INT32, ir::DType::Int32},
    {TensorProto::UINT32, ir::DType::UInt32},
    {TensorProto::INT64, ir::DType::Int64},
    {TensorProto::UINT64, ir::DType::UInt64},
    {TensorProto::BOOL, ir::DType::Bool},
    {TensorProto::STRING, ir::DType::String},
}};
}  // namespace

ir::DType dtype_from_onnx(int32_t elem_type, const std::string& what) {
  for (const auto& [onnx_type, dtype] : kTable)
    if (onnx_type == elem_type) return dtype;
  if (elem_type == TensorProto::UNDEFINED) throw InputError(what + " has no element type; the model is malformed");
  const std::string name = TensorProto::DataType_IsValid(elem_type)
                               ? TensorProto::DataType_Name(static_cast<TensorProto::DataType>(elem_type))
                               : "#" + std::to_string(elem_type);
  throw InputError(what + " has element type " + name + ", which tinyc does not support");
}

int32_t dtype_to_onnx(ir::DType t) {
  for (const auto& [onnx_type, dtype] : kTable)
    if (dtype == t) return onnx_type;
  return TensorProto::UNDEFINED;
}

}  // namespace tinyc::onnx_format
