// The TensorProto.DataType numbering from onnx.proto (a fact of the format), for the dtypes the IR holds.
#include "ir/onnx_dtype_codes.h"

#include <array>
#include <utility>

namespace tinyc::ir {

namespace {

constexpr std::array<std::pair<int32_t, DType>, 13> kCodes{{
    {1, DType::Float32},
    {2, DType::UInt8},
    {3, DType::Int8},
    {4, DType::UInt16},
    {5, DType::Int16},
    {6, DType::Int32},
    {7, DType::Int64},
    {8, DType::String},
    {9, DType::Bool},
    {10, DType::Float16},
    {11, DType::Float64},
    {12, DType::UInt32},
    {13, DType::UInt64},
}};

}  // namespace

std::optional<DType> dtype_from_onnx_code(int64_t code) {
  for (const auto& [number, dtype] : kCodes)
    if (number == code) return dtype;
  return std::nullopt;
}

int32_t onnx_code_of(DType t) {
  for (const auto& [number, dtype] : kCodes)
    if (dtype == t) return number;
  return 0;
}

}  // namespace tinyc::ir
