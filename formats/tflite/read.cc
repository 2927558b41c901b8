// .tflite reader: verify, check indices, then copy what the summary needs out of the FlatBuffer.
#include "formats/tflite/read.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "formats/tflite/tinyc_tflite_generated.h"
#include "io/file_bytes.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

namespace fb = tflite_fb;

[[noreturn]] void invalid(const std::string& why) {
  throw InputError("not a valid .tflite file: " + why + "; write it again with tinyc or the TFLite converter");
}

template <class T>
std::vector<T> copy(const flatbuffers::Vector<T>* v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>{};
}

std::string text(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

// TFLite's rule: the larger of the int32 builtin_code and the byte deprecated_builtin_code.
int32_t builtin_code_of(const fb::OperatorCode& code) {
  return std::max(static_cast<int32_t>(code.builtin_code()), static_cast<int32_t>(code.deprecated_builtin_code()));
}

std::string op_name(const fb::OperatorCode& code) {
  const int32_t builtin = builtin_code_of(code);
  if (code.custom_code()) return "CUSTOM:" + code.custom_code()->str();
  const char* name = fb::EnumNameBuiltinOperator(static_cast<fb::BuiltinOperator>(builtin));
  return name && *name ? std::string(name) : "BUILTIN_" + std::to_string(builtin);
}

std::string type_name(fb::TensorType type) {
  const char* name = fb::EnumNameTensorType(type);
  return name && *name ? std::string(name) : "TYPE_" + std::to_string(static_cast<int>(type));
}

// -1, an omitted optional tensor, is allowed where TFLite has optional tensors: operator inputs.
void check_tensor_indices(const std::vector<int32_t>& indices, size_t tensor_count, const std::string& where,
                          bool omittable = false) {
  for (int32_t i : indices)
    if (i < (omittable ? -1 : 0) || i >= static_cast<int32_t>(tensor_count))
      invalid(where + " refers to tensor " + std::to_string(i) + " of " + std::to_string(tensor_count));
}

// FlatBuffers' verifier checks the alignment of a vector's length, not of its 8-byte elements, and
// reading a misaligned int64 is undefined behaviour: a file whose zero point lists are misaligned (the
// converters' builders never write one) is refused.
void check_zero_point_alignment(const fb::Model& model) {
  for (const fb::SubGraph* g : *model.subgraphs()) {
    if (!g->tensors()) continue;
    for (const fb::Tensor* t : *g->tensors()) {
      const fb::QuantizationParameters* q = t->quantization();
      if (q && q->zero_point() && reinterpret_cast<uintptr_t>(q->zero_point()->Data()) % alignof(int64_t) != 0)
        invalid("the zero points of tensor '" + text(t->name()) + "' are not 8-byte aligned");
    }
  }
}

TensorSummary summarize(const fb::Tensor& t, const fb::Model& model) {
  TensorSummary s;
  s.name = text(t.name());
  s.type = type_name(t.type());
  s.shape = copy(t.shape());
  s.buffer = t.buffer();
  const size_t buffers = model.buffers() ? model.buffers()->size() : 0;
  if (s.buffer >= buffers && !(s.buffer == 0 && buffers == 0))
    invalid("tensor '" + s.name + "' refers to buffer " + std::to_string(s.buffer) + " of " + std::to_string(buffers));
  if (buffers > 0 && model.buffers()->Get(s.buffer)->data()) s.data_bytes = model.buffers()->Get(s.buffer)->data()->size();
  if (const fb::QuantizationParameters* q = t.quantization()) {
    s.scale = copy(q->scale());
    s.zero_point = copy(q->zero_point());
    s.quantized_dimension = q->quantized_dimension();
  }
  return s;
}

// Metadata as people read it: printable ASCII as is, TFLM's arena plan by its size, other data by its length.
std::string describe_metadata(const std::string& name, const std::string& data) {
  if (name == "OfflineMemoryAllocation")
    return "arena plan, " + std::to_string(data.size() / 4 >= 3 ? data.size() / 4 - 3 : 0) + " tensor offsets";
  const bool printable = std::all_of(data.begin(), data.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  return printable ? data : "<" + std::to_string(data.size()) + " bytes of binary data>";
}

// Bytes of the distinct scale and zero point lists: a list shared by several tensors counts once.
size_t stored_quantization_bytes(const flatbuffers::Vector<flatbuffers::Offset<fb::Tensor>>& tensors) {
  std::set<const void*> seen;
  size_t bytes = 0;
  for (const fb::Tensor* t : tensors) {
    const fb::QuantizationParameters* q = t->quantization();
    if (!q) continue;
    if (q->scale() && seen.insert(q->scale()).second) bytes += q->scale()->size() * sizeof(float);
    if (q->zero_point() && seen.insert(q->zero_point()).second) bytes += q->zero_point()->size() * sizeof(int64_t);
  }
  return bytes;
}

}  // namespace

TfliteSummary read_tflite_bytes(std::string_view bytes) {
  if (bytes.size() < 8 || !flatbuffers::BufferHasIdentifier(bytes.data(), fb::ModelIdentifier()))
    invalid("the file identifier is not \"TFL3\"");
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!fb::VerifyModelBuffer(verifier)) invalid("the FlatBuffer does not verify (truncated or corrupt)");
  const fb::Model& model = *fb::GetModel(bytes.data());
  if (!model.subgraphs() || model.subgraphs()->size() == 0) invalid("it has no subgraph");
  check_zero_point_alignment(model);

  TfliteSummary summary;
  summary.schema_version = model.version();
  summary.description = text(model.description());
  summary.file_bytes = bytes.size();
  summary.subgraph_count = model.subgraphs()->size();
  if (model.buffers()) {
    summary.buffer_count = model.buffers()->size();
    for (const fb::Buffer* b : *model.buffers())
      if (b->data()) summary.constant_bytes += b->data()->size();
  }
  const fb::SubGraph& main = *model.subgraphs()->Get(0);
  if (main.tensors()) {
    for (const fb::Tensor* t : *main.tensors()) summary.tensors.push_back(summarize(*t, model));
    summary.quantization_bytes = stored_quantization_bytes(*main.tensors());
  }
  const size_t tensor_count = summary.tensors.size();
  summary.inputs = copy(main.inputs());
  summary.outputs = copy(main.outputs());
  check_tensor_indices(summary.inputs, tensor_count, "the subgraph's inputs");
  check_tensor_indices(summary.outputs, tensor_count, "the subgraph's outputs");

  const size_t code_count = model.operator_codes() ? model.operator_codes()->size() : 0;
  if (main.operators()) {
    for (const fb::Operator* op : *main.operators()) {
      if (op->opcode_index() >= code_count)
        invalid("an operator uses operator code " + std::to_string(op->opcode_index()) + " of " +
                std::to_string(code_count));
      const fb::OperatorCode& code = *model.operator_codes()->Get(op->opcode_index());
      OperatorSummary s{op_name(code), builtin_code_of(code), code.version(), copy(op->inputs()), copy(op->outputs())};
      check_tensor_indices(s.inputs, tensor_count, "operator " + s.op, true);
      check_tensor_indices(s.outputs, tensor_count, "operator " + s.op);
      summary.operators.push_back(std::move(s));
    }
  }
  if (model.metadata()) {
    for (const fb::Metadata* m : *model.metadata()) {
      if (m->buffer() >= summary.buffer_count)
        invalid("metadata '" + text(m->name()) + "' refers to a missing buffer");
      const auto* data = model.buffers()->Get(m->buffer())->data();
      const std::string name = text(m->name());
      summary.metadata.emplace_back(name, describe_metadata(name, data ? std::string(data->begin(), data->end()) : ""));
    }
  }
  return summary;
}

TfliteSummary read_tflite_file(const std::filesystem::path& path) {
  return read_tflite_bytes(io::read_file_bytes(path, "model file"));
}

}  // namespace tinyc::tflite_format
