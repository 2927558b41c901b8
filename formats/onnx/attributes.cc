// AttributeProto decoding and encoding; kinds tinyc cannot hold are rejected by name.
#include "formats/onnx/attributes.h"

#include "formats/onnx/tensor_proto.h"
#include "ir/error.h"

namespace tinyc::onnx_format {

namespace {

using onnx::AttributeProto;

// Files written before AttributeProto.type existed say the kind only by the field they fill.
AttributeProto::AttributeType kind_of(const AttributeProto& a) {
  if (a.type() != AttributeProto::UNDEFINED) return a.type();
  if (a.has_g()) return AttributeProto::GRAPH;
  if (a.has_t()) return AttributeProto::TENSOR;
  if (a.has_s()) return AttributeProto::STRING;
  if (a.has_f()) return AttributeProto::FLOAT;
  if (a.has_i()) return AttributeProto::INT;
  if (a.graphs_size()) return AttributeProto::GRAPHS;
  if (a.tensors_size()) return AttributeProto::TENSORS;
  if (a.strings_size()) return AttributeProto::STRINGS;
  if (a.floats_size()) return AttributeProto::FLOATS;
  if (a.ints_size()) return AttributeProto::INTS;
  return AttributeProto::UNDEFINED;
}

// What an unsupported kind is, for the error line.
std::string unsupported_kind(AttributeProto::AttributeType kind) {
  switch (kind) {
    case AttributeProto::GRAPH: return "is a subgraph";
    case AttributeProto::GRAPHS: return "is a list of subgraphs";
    case AttributeProto::SPARSE_TENSOR: return "is a sparse tensor";
    case AttributeProto::SPARSE_TENSORS: return "is a list of sparse tensors";
    case AttributeProto::TENSORS: return "is a list of tensors";
    case AttributeProto::TYPE_PROTO: return "is a type";
    case AttributeProto::TYPE_PROTOS: return "is a list of types";
    default: return "has unknown kind " + std::to_string(static_cast<int>(kind));
  }
}

ir::Attribute attribute_from_proto(const AttributeProto& a, const std::string& label,
                                   const std::filesystem::path& base_dir, const ir::Limits& limits) {
  const AttributeProto::AttributeType kind = kind_of(a);
  switch (kind) {
    case AttributeProto::INT: return a.i();
    case AttributeProto::FLOAT: return a.f();
    case AttributeProto::STRING: return a.s();
    case AttributeProto::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case AttributeProto::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    case AttributeProto::STRINGS: return std::vector<std::string>(a.strings().begin(), a.strings().end());
    case AttributeProto::TENSOR: return tensor_from_proto(a.t(), label, base_dir, limits);
    case AttributeProto::UNDEFINED: throw InputError(label + " has no type and no value; the model is malformed");
    default: throw InputError(label + " " + unsupported_kind(kind) + ", which tinyc does not support");
  }
}

}  // namespace

ir::Attributes attributes_from_proto(const onnx::NodeProto& node, const std::string& node_label,
                                     const std::filesystem::path& base_dir, const ir::Limits& limits) {
  ir::Attributes attrs;
  for (const AttributeProto& a : node.attribute()) {
    if (a.name().empty()) throw InputError(node_label + " has an attribute without a name; the model is malformed");
    const std::string label = node_label + ": attribute '" + a.name() + "'";
    if (attrs.count(a.name())) throw InputError(label + " is given twice");
    attrs.emplace(a.name(), attribute_from_proto(a, label, base_dir, limits));
  }
  return attrs;
}

void attributes_to_proto(const ir::Attributes& attrs, onnx::NodeProto& node) {
  for (const auto& [name, value] : attrs) {
    AttributeProto* a = node.add_attribute();
    a->set_name(name);
    struct Encoder {
      AttributeProto* a;
      void operator()(int64_t v) const { a->set_type(AttributeProto::INT); a->set_i(v); }
      void operator()(float v) const { a->set_type(AttributeProto::FLOAT); a->set_f(v); }
      void operator()(const std::string& v) const { a->set_type(AttributeProto::STRING); a->set_s(v); }
      void operator()(const std::vector<int64_t>& v) const {
        a->set_type(AttributeProto::INTS);
        a->mutable_ints()->Add(v.begin(), v.end());
      }
      void operator()(const std::vector<float>& v) const {
        a->set_type(AttributeProto::FLOATS);
        a->mutable_floats()->Add(v.begin(), v.end());
      }
      void operator()(const std::vector<std::string>& v) const {
        a->set_type(AttributeProto::STRINGS);
        for (const std::string& s : v) a->add_strings(s);
      }
      void operator()(const ir::Tensor& t) const {
        a->set_type(AttributeProto::TENSOR);
        tensor_to_proto(t, *a->mutable_t());
      }
    };
    std::visit(Encoder{a}, value);
  }
}

}  // namespace tinyc::onnx_format
