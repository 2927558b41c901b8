// Reading emitted .tflite bytes back with the schema's generated C++ API in tests.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "formats/tflite/emit.h"
#include "formats/tflite/tinyc_tflite_generated.h"

namespace tinyc::tflite_test {

namespace fb = tflite_fb;

// The emitted bytes with every tensor named (EmitOptions::keep_names), so tests can find tensors by name.
inline std::string emit_named(const ir::Graph& g, tflite_format::EmitOptions options = {}) {
  options.keep_names = true;
  return tflite_format::emit_tflite_bytes(g, options);
}

// The root table after the FlatBuffers verifier accepted the bytes (the test fails otherwise).
inline const fb::Model* verified_model(const std::string& bytes) {
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  REQUIRE(fb::VerifyModelBuffer(verifier));
  return fb::GetModel(bytes.data());
}

inline const fb::SubGraph& main_subgraph(const fb::Model* m) { return *m->subgraphs()->Get(0); }

inline const fb::Tensor& tensor_at(const fb::Model* m, int32_t index) {
  return *main_subgraph(m).tensors()->Get(static_cast<flatbuffers::uoffset_t>(index));
}

// The tensor with this name; fails the test when there is none.
inline int32_t tensor_index(const fb::Model* m, const std::string& name) {
  const auto* tensors = main_subgraph(m).tensors();
  for (flatbuffers::uoffset_t i = 0; i < tensors->size(); ++i)
    if (tensors->Get(i)->name() && tensors->Get(i)->name()->str() == name) return static_cast<int32_t>(i);
  FAIL("no tensor named " << name);
  return -1;
}

inline std::vector<int32_t> shape_of(const fb::Tensor& t) {
  return t.shape() ? std::vector<int32_t>(t.shape()->begin(), t.shape()->end()) : std::vector<int32_t>{};
}

// The constant data of a tensor as elements of T.
template <class T>
std::vector<T> data_of(const fb::Model* m, const fb::Tensor& t) {
  const auto* data = m->buffers()->Get(t.buffer())->data();
  if (!data) return {};
  std::vector<T> out(data->size() / sizeof(T));
  std::memcpy(out.data(), data->data(), out.size() * sizeof(T));
  return out;
}

// "CONV_2D" etc. of each operator, in order.
inline std::vector<std::string> op_names(const fb::Model* m) {
  std::vector<std::string> names;
  for (const fb::Operator* op : *main_subgraph(m).operators()) {
    const fb::OperatorCode* code = m->operator_codes()->Get(op->opcode_index());
    names.emplace_back(fb::EnumNameBuiltinOperator(code->builtin_code()));
  }
  return names;
}

inline const fb::Operator& op_at(const fb::Model* m, size_t i) {
  return *main_subgraph(m).operators()->Get(static_cast<flatbuffers::uoffset_t>(i));
}

inline const fb::OperatorCode& code_of(const fb::Model* m, const fb::Operator& op) {
  return *m->operator_codes()->Get(op.opcode_index());
}

}  // namespace tinyc::tflite_test
