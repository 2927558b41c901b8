// TfliteFileBuilder (see tflite_file_builder.h).
#include "tflite_file_builder.h"

#include <algorithm>
#include <cstring>

namespace tinyc::tflite_test {

namespace fb = tflite_fb;

TfliteFileBuilder::TfliteFileBuilder() {
  model_.version = 3;
  model_.buffers.push_back(std::make_unique<fb::BufferT>());  // buffer 0: empty by convention
  model_.subgraphs.push_back(std::make_unique<fb::SubGraphT>());
}

int32_t TfliteFileBuilder::tensor(const std::string& name, fb::TensorType type, const std::vector<int32_t>& shape,
                                  std::optional<std::pair<float, int64_t>> quant, const std::vector<uint8_t>& data) {
  auto t = std::make_unique<fb::TensorT>();
  t->name = name;
  t->type = type;
  t->shape = shape;
  if (quant) {
    t->quantization = std::make_unique<fb::QuantizationParametersT>();
    t->quantization->scale = {quant->first};
    t->quantization->zero_point = {quant->second};
  }
  if (!data.empty()) {
    auto b = std::make_unique<fb::BufferT>();
    b->data = data;
    t->buffer = static_cast<uint32_t>(model_.buffers.size());
    model_.buffers.push_back(std::move(b));
  }
  auto& tensors = model_.subgraphs[0]->tensors;
  tensors.push_back(std::move(t));
  return static_cast<int32_t>(tensors.size() - 1);
}

int32_t TfliteFileBuilder::int8(const std::string& name, const std::vector<int32_t>& shape, float scale,
                                int64_t zero_point, const std::vector<int8_t>& data) {
  std::vector<uint8_t> bytes(data.size());
  if (!data.empty()) std::memcpy(bytes.data(), data.data(), data.size());
  return tensor(name, fb::TensorType::INT8, shape, std::make_pair(scale, zero_point), bytes);
}

int32_t TfliteFileBuilder::int32(const std::string& name, const std::vector<int32_t>& shape,
                                 const std::vector<int32_t>& data) {
  std::vector<uint8_t> bytes(data.size() * sizeof(int32_t));
  std::memcpy(bytes.data(), data.data(), bytes.size());
  return tensor(name, fb::TensorType::INT32, shape, std::nullopt, bytes);
}

void TfliteFileBuilder::op(int32_t code, const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs,
                           fb::BuiltinOptionsUnion options) {
  auto& codes = model_.operator_codes;
  auto it = std::find_if(codes.begin(), codes.end(),
                         [&](const auto& c) { return static_cast<int32_t>(c->builtin_code) == code; });
  if (it == codes.end()) {
    auto c = std::make_unique<fb::OperatorCodeT>();
    c->builtin_code = static_cast<fb::BuiltinOperator>(code);
    c->deprecated_builtin_code = static_cast<int8_t>(std::min(code, 127));
    codes.push_back(std::move(c));
    it = codes.end() - 1;
  }
  auto o = std::make_unique<fb::OperatorT>();
  o->opcode_index = static_cast<uint32_t>(it - codes.begin());
  o->inputs = inputs;
  o->outputs = outputs;
  o->builtin_options = std::move(options);
  model_.subgraphs[0]->operators.push_back(std::move(o));
}

void TfliteFileBuilder::interface(const std::vector<int32_t>& inputs, const std::vector<int32_t>& outputs) {
  model_.subgraphs[0]->inputs = inputs;
  model_.subgraphs[0]->outputs = outputs;
}

std::string TfliteFileBuilder::bytes() const {
  flatbuffers::FlatBufferBuilder builder;
  builder.Finish(fb::Model::Pack(builder, &model_), fb::ModelIdentifier());
  return std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize());
}

}  // namespace tinyc::tflite_test
