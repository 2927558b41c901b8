// Reading an unpacked .tflite model (the schema's object API) the way TFLite does: an operator's
// builtin code and the tensors in its input and output slots.
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

}  // namespace tinyc::tflite_format
