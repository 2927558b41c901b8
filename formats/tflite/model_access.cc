// Object-API accessors shared by the arena planner and the persistent-memory estimate.
#include "formats/tflite/model_access.h"

#include <algorithm>

namespace tinyc::tflite_format {

tflite_fb::BuiltinOperator builtin_of(const tflite_fb::ModelT& model, const tflite_fb::OperatorT& op) {
  const tflite_fb::OperatorCodeT& code = *model.operator_codes.at(op.opcode_index);
  return static_cast<tflite_fb::BuiltinOperator>(
      std::max(static_cast<int32_t>(code.builtin_code), static_cast<int32_t>(code.deprecated_builtin_code)));
}

const tflite_fb::TensorT* tensor_at(const tflite_fb::SubGraphT& g, const std::vector<int32_t>& ids, size_t slot) {
  return slot < ids.size() && ids[slot] >= 0 && static_cast<size_t>(ids[slot]) < g.tensors.size()
             ? g.tensors[static_cast<size_t>(ids[slot])].get()
             : nullptr;
}

size_t element_bytes(tflite_fb::TensorType type) {
  using Type = tflite_fb::TensorType;
  switch (type) {
    case Type::FLOAT64:
    case Type::INT64:
    case Type::UINT64:
    case Type::COMPLEX64: return 8;
    case Type::FLOAT32:
    case Type::INT32:
    case Type::UINT32: return 4;
    case Type::FLOAT16:
    case Type::INT16:
    case Type::UINT16: return 2;
    default: return 1;
  }
}

size_t element_count(const tflite_fb::TensorT& t) {
  size_t n = 1;
  for (int32_t d : t.shape) n *= static_cast<size_t>(std::max(d, 0));
  return n;
}

}  // namespace tinyc::tflite_format
