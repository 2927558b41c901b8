// ModelBuilder: the .tflite bookkeeping (sentinel buffer, deduplicated data, operator codes) and
// serialization with identical small objects shared.
#include "formats/tflite/model_builder.h"

#include <algorithm>
#include <limits>

#include "formats/tflite/int4_packing.h"
#include "formats/tflite/shared_pack.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

// TFLite's schema version, the "3" of the file identifier "TFL3".
constexpr uint32_t kSchemaVersion = 3;
// Builtin codes above this only fit the int32 builtin_code field; the byte field holds this value.
constexpr int32_t kPlaceholderForGreaterOpCodes = static_cast<int32_t>(fb::BuiltinOperator::PLACEHOLDER_FOR_GREATER_OP_CODES);

std::vector<int32_t> to_int32_dims(const ir::Shape& shape, const std::string& tensor) {
  std::vector<int32_t> dims;
  for (int64_t d : shape) {
    if (d < 0 || d > std::numeric_limits<int32_t>::max())
      throw InputError("tensor '" + tensor + "' has dim " + std::to_string(d) +
                       ", which a .tflite shape (int32) cannot hold");
    dims.push_back(static_cast<int32_t>(d));
  }
  return dims;
}

}  // namespace

fb::TensorType tensor_type_of(ir::DType dtype) {
  switch (dtype) {
    case ir::DType::Float32: return fb::TensorType::FLOAT32;
    case ir::DType::Float16: return fb::TensorType::FLOAT16;
    case ir::DType::Float64: return fb::TensorType::FLOAT64;
    case ir::DType::Int8: return fb::TensorType::INT8;
    case ir::DType::UInt8: return fb::TensorType::UINT8;
    case ir::DType::Int16: return fb::TensorType::INT16;
    case ir::DType::Int32: return fb::TensorType::INT32;
    case ir::DType::Int64: return fb::TensorType::INT64;
    case ir::DType::Bool: return fb::TensorType::BOOL;
    default:
      throw InputError("a .tflite tensor cannot hold element type " + std::string(ir::dtype_name(dtype)));
  }
}

ModelBuilder::ModelBuilder(bool one_zero_point_when_equal) : one_zero_point_when_equal_(one_zero_point_when_equal) {
  model_.version = kSchemaVersion;
  model_.buffers.push_back(std::make_unique<fb::BufferT>());  // the empty sentinel
  auto main = std::make_unique<fb::SubGraphT>();
  main->name = "main";
  model_.subgraphs.push_back(std::move(main));
}

uint32_t ModelBuilder::add_buffer(std::span<const uint8_t> data) {
  if (data.empty()) return 0;
  std::string key(data.begin(), data.end());
  if (auto it = buffer_index_.find(key); it != buffer_index_.end()) return it->second;
  const auto index = static_cast<uint32_t>(model_.buffers.size());
  auto buffer = std::make_unique<fb::BufferT>();
  buffer->data.assign(data.begin(), data.end());
  model_.buffers.push_back(std::move(buffer));
  buffer_index_.emplace(std::move(key), index);
  return index;
}

int32_t ModelBuilder::add_tensor(const std::string& name, ir::DType dtype, const ir::Shape& shape,
                                 const std::optional<ir::QuantParams>& quant, int64_t quantized_dimension,
                                 std::span<const uint8_t> data) {
  auto tensor = std::make_unique<fb::TensorT>();
  tensor->name = name;
  tensor->shape = to_int32_dims(shape, name);
  if (quant && quant->bits == 4) {
    if (dtype != ir::DType::Int8) throw InternalError("tensor '" + name + "': 4-bit values must be held as int8");
    tensor->type = fb::TensorType::INT4;
    tensor->buffer = add_buffer(pack_int4({reinterpret_cast<const int8_t*>(data.data()), data.size()}));
  } else {
    tensor->type = tensor_type_of(dtype);
    tensor->buffer = add_buffer(data);
  }
  if (quant) {
    auto q = std::make_unique<fb::QuantizationParametersT>();
    q->scale = quant->scale;
    q->zero_point = quant->zero_point;
    const auto equal_to_first = [&](int64_t z) { return z == q->zero_point.front(); };
    if (one_zero_point_when_equal_ && std::all_of(q->zero_point.begin(), q->zero_point.end(), equal_to_first))
      q->zero_point.resize(std::min<size_t>(q->zero_point.size(), 1));
    q->quantized_dimension = quant->per_channel() ? static_cast<int32_t>(quantized_dimension) : 0;
    tensor->quantization = std::move(q);
  }
  subgraph().tensors.push_back(std::move(tensor));
  return static_cast<int32_t>(subgraph().tensors.size() - 1);
}

void ModelBuilder::add_operator(fb::BuiltinOperator code, int32_t version, std::vector<int32_t> inputs,
                                std::vector<int32_t> outputs, fb::BuiltinOptionsUnion options) {
  const int32_t builtin = static_cast<int32_t>(code);
  auto [it, added] = opcode_index_.try_emplace({builtin, version}, static_cast<uint32_t>(model_.operator_codes.size()));
  if (added) {
    auto opcode = std::make_unique<fb::OperatorCodeT>();
    opcode->builtin_code = code;
    opcode->deprecated_builtin_code = static_cast<int8_t>(std::min(builtin, kPlaceholderForGreaterOpCodes));
    opcode->version = version;
    model_.operator_codes.push_back(std::move(opcode));
  }
  auto op = std::make_unique<fb::OperatorT>();
  op->opcode_index = it->second;
  op->inputs = std::move(inputs);
  op->outputs = std::move(outputs);
  op->builtin_options = std::move(options);
  subgraph().operators.push_back(std::move(op));
}

void ModelBuilder::add_metadata(const std::string& name, std::string_view bytes) {
  auto entry = std::make_unique<fb::MetadataT>();
  entry->name = name;
  entry->buffer = add_buffer({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  model_.metadata.push_back(std::move(entry));
}

void ModelBuilder::strip_names() {
  fb::SubGraphT& main = subgraph();
  auto is_interface = [&](int32_t index) {
    return std::find(main.inputs.begin(), main.inputs.end(), index) != main.inputs.end() ||
           std::find(main.outputs.begin(), main.outputs.end(), index) != main.outputs.end();
  };
  for (size_t i = 0; i < main.tensors.size(); ++i)
    if (!is_interface(static_cast<int32_t>(i))) main.tensors[i]->name.clear();
  main.name.clear();
}

std::string ModelBuilder::finish(const std::string& description) {
  model_.description = description;
  return pack_sharing_identical(model_);
}

}  // namespace tinyc::tflite_format
