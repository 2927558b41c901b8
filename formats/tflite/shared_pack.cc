// pack_sharing_identical: the schema's object API for the few top-level tables, and caches keyed by
// content for the small objects that repeat (int lists, quantization parameters, options tables).
#include "formats/tflite/shared_pack.h"

#include <cstring>
#include <map>
#include <tuple>
#include <vector>

namespace tinyc::tflite_format {

namespace {

namespace fb = tflite_fb;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;
using flatbuffers::Vector;

// The raw bytes of a list of numbers, a key that compares floats by bit pattern (so -0.0 and 0.0
// stay distinct and NaN equals itself).
template <typename T>
std::string bytes_of(const std::vector<T>& values) {
  std::string key(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(key.data(), values.data(), key.size());
  return key;
}

// Writes each distinct object once and hands out its offset on every later request.
class SharingWriter {
 public:
  explicit SharingWriter(FlatBufferBuilder& fbb) : fbb_(fbb) {}

  Offset<Vector<int32_t>> ints(const std::vector<int32_t>& values) {
    if (values.empty()) return 0;
    return cached(ints_, values, [&] { return fbb_.CreateVector(values); });
  }

  Offset<fb::QuantizationParameters> quantization(const fb::QuantizationParametersT* q) {
    if (q == nullptr) return 0;
    const auto scale = q->scale.empty() ? 0 : cached(scales_, q->scale, [&] { return fbb_.CreateVector(q->scale); });
    const auto zero_point =
        q->zero_point.empty() ? 0 : cached(zero_points_, q->zero_point, [&] { return fbb_.CreateVector(q->zero_point); });
    const auto key = std::make_tuple(scale.o, zero_point.o, q->quantized_dimension);
    if (auto it = quantizations_.find(key); it != quantizations_.end()) return it->second;
    const auto table = fb::CreateQuantizationParameters(fbb_, scale, zero_point, q->quantized_dimension);
    quantizations_.emplace(key, table);
    return table;
  }

  // An options table is compared by the bytes it serializes to on its own.
  Offset<void> options(const fb::BuiltinOptionsUnion& options) {
    if (options.type == fb::BuiltinOptions::NONE) return 0;
    FlatBufferBuilder alone;
    alone.Finish(options.Pack(alone));
    const std::string key(reinterpret_cast<const char*>(alone.GetBufferPointer()), alone.GetSize());
    const auto cache_key = std::make_pair(options.type, key);
    if (auto it = options_.find(cache_key); it != options_.end()) return it->second;
    const auto table = options.Pack(fbb_);
    options_.emplace(cache_key, table);
    return table;
  }

 private:
  template <typename T, typename Make>
  Offset<Vector<T>> cached(std::map<std::string, Offset<Vector<T>>>& cache, const std::vector<T>& values, Make make) {
    std::string key = bytes_of(values);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    const auto vector = make();
    cache.emplace(std::move(key), vector);
    return vector;
  }

  FlatBufferBuilder& fbb_;
  std::map<std::string, Offset<Vector<int32_t>>> ints_;
  std::map<std::string, Offset<Vector<float>>> scales_;
  std::map<std::string, Offset<Vector<int64_t>>> zero_points_;
  std::map<std::tuple<uint32_t, uint32_t, int32_t>, Offset<fb::QuantizationParameters>> quantizations_;
  std::map<std::pair<fb::BuiltinOptions, std::string>, Offset<void>> options_;
};

Offset<fb::SubGraph> pack_subgraph(FlatBufferBuilder& fbb, SharingWriter& shared, const fb::SubGraphT& subgraph) {
  std::vector<Offset<fb::Tensor>> tensors;
  for (const auto& t : subgraph.tensors) {
    const auto shape = shared.ints(t->shape);
    const auto quantization = shared.quantization(t->quantization.get());
    const auto name = t->name.empty() ? 0 : fbb.CreateString(t->name);
    tensors.push_back(fb::CreateTensor(fbb, shape, t->type, t->buffer, name, quantization, t->is_variable));
  }
  std::vector<Offset<fb::Operator>> operators;
  for (const auto& op : subgraph.operators) {
    const auto inputs = shared.ints(op->inputs);
    const auto outputs = shared.ints(op->outputs);
    const auto options = shared.options(op->builtin_options);
    operators.push_back(fb::CreateOperator(fbb, op->opcode_index, inputs, outputs, op->builtin_options.type, options));
  }
  const auto tensor_vector = fbb.CreateVector(tensors);
  const auto inputs = shared.ints(subgraph.inputs);
  const auto outputs = shared.ints(subgraph.outputs);
  const auto operator_vector = fbb.CreateVector(operators);
  const auto name = subgraph.name.empty() ? 0 : fbb.CreateString(subgraph.name);
  return fb::CreateSubGraph(fbb, tensor_vector, inputs, outputs, operator_vector, name);
}

template <typename TableT, typename Pack>
auto pack_each(FlatBufferBuilder& fbb, const std::vector<std::unique_ptr<TableT>>& tables, Pack pack) {
  std::vector<decltype(pack(fbb, tables.front().get()))> offsets;
  for (const auto& table : tables) offsets.push_back(pack(fbb, table.get()));
  return fbb.CreateVector(offsets);
}

}  // namespace

std::string pack_sharing_identical(const fb::ModelT& model) {
  FlatBufferBuilder fbb;
  SharingWriter shared(fbb);
  const auto codes = pack_each(fbb, model.operator_codes, [](auto& b, auto* t) { return fb::CreateOperatorCode(b, t); });
  std::vector<Offset<fb::SubGraph>> subgraphs;
  for (const auto& subgraph : model.subgraphs) subgraphs.push_back(pack_subgraph(fbb, shared, *subgraph));
  const auto subgraph_vector = fbb.CreateVector(subgraphs);
  const auto description = model.description.empty() ? 0 : fbb.CreateString(model.description);
  const auto buffers = pack_each(fbb, model.buffers, [](auto& b, auto* t) { return fb::CreateBuffer(b, t); });
  const auto metadata = model.metadata.empty() ? 0
      : pack_each(fbb, model.metadata, [](auto& b, auto* t) { return fb::CreateMetadata(b, t); });
  fb::FinishModelBuffer(fbb, fb::CreateModel(fbb, model.version, codes, subgraph_vector, description, buffers, metadata));
  return {reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize()};
}

}  // namespace tinyc::tflite_format
