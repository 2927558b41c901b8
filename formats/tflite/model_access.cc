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

}  // namespace tinyc::tflite_format
