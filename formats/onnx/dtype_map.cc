// ONNX element-type numbers of values and tensors, through the IR's one table (ir/onnx_dtype_codes.h).
#include "formats/onnx/dtype_map.h"

#include <onnx/onnx_pb.h>

#include "ir/error.h"
#include "ir/onnx_dtype_codes.h"

namespace tinyc::onnx_format {

using onnx::TensorProto;

ir::DType dtype_from_onnx(int32_t elem_type, const std::string& what) {
  if (const auto dtype = ir::dtype_from_onnx_code(elem_type)) return *dtype;
  if (elem_type == TensorProto::UNDEFINED) throw InputError(what + " has no element type; the model is malformed");
  const std::string name = TensorProto::DataType_IsValid(elem_type)
                               ? TensorProto::DataType_Name(static_cast<TensorProto::DataType>(elem_type))
                               : "#" + std::to_string(elem_type);
  throw InputError(what + " has element type " + name + ", which tinyc does not support");
}

int32_t dtype_to_onnx(ir::DType t) { return ir::onnx_code_of(t); }

}  // namespace tinyc::onnx_format
