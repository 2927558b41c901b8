// Reading an unpacked .tflite model (the schema's object API) the way TFLite does: an operator's
// builtin code, the tensors in its input and output slots, and a tensor's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "formats/tflite/tinyc_tflite_generated.h"

namespace tinyc::tflite_format {

// TFLite's rule: the larger of the int32 builtin_code and the byte deprecated_builtin_code.
tflite_fb::BuiltinOperator builtin_of(const tflite_fb::ModelT& model, const tflite_fb::OperatorT& op);

// The tensor in slot `slot` of `ids` (an operator's inputs or outputs, the subgraph's interface);
// nullptr for a missing slot, an omitted optional input (-1) or an index out of range.
const tflite_fb::TensorT* tensor_at(const tflite_fb::SubGraphT& g, const std::vector<int32_t>& ids, size_t slot);

// Bytes of one element of this type (1 for the byte and sub-byte types).
size_t element_bytes(tflite_fb::TensorType type);
// Elements of a tensor (negative dims count as 0).
size_t element_count(const tflite_fb::TensorT& t);

}  // namespace tinyc::tflite_format
