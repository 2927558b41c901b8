// Shared ModelProto writing (see proto_writer.h). A fused activation has no ONNX form: the node
// is written with a renamed output, followed by a Relu or Clip producing the original output, so
// ONNX Runtime computes the same function.
#include "formats/onnx/proto_writer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <climits>
#include <limits>
#include <map>

#include "formats/onnx/attributes.h"
#include "formats/onnx/dtype_map.h"
#include "formats/onnx/tensor_proto.h"
#include "ir/error.h"
#include "ir/version.h"

namespace tinyc::onnx_format {

namespace {

// Used when a graph was built without an imported model's versions: ONNX 1.8-era defaults.
constexpr int64_t kDefaultIrVersion = 8;
constexpr int64_t kDefaultOpset = 13;

// The tinyc attributes that describe a fused activation (the clamp is activation_min/max; the name
// is for emitters); never written as attributes.
bool is_fused_activation_attr(const std::string& name) {
  return name == "fused_activation" || name == "activation_min" || name == "activation_max";
}

// tinyc attributes of docs/ir.md that ONNX has no place for: the int8 LSTM's cell-state scale (a
// QDQ runtime computes the cell state in float) and the cell_clip of an LSTM read from a .tflite
// file (ONNX's clip bounds the gate inputs instead; docs/ir.md says what the export loses).
bool is_dropped_attr(const std::string& name) { return name == "cell_scale_log2" || name == "cell_clip"; }

void add_scalar_initializer(onnx::GraphProto& graph, const std::string& name, ir::DType dtype, float value) {
  onnx::TensorProto* t = graph.add_initializer();
  t->set_name(name);
  tensor_to_proto(dtype == ir::DType::Float64 ? ir::Tensor::scalar<double>(value) : ir::Tensor::scalar<float>(value),
                  *t);
}

// Writes clamp(pre, activation_min, activation_max) -> out as Relu ([0, inf)) or Clip (bounds as
// initializers of out's type since opset 11, attributes before; an infinite bound is left out).
void add_activation(const ir::Node& n, const std::string& pre, const std::string& out, ir::DType out_dtype,
                    int64_t opset, FreshNames& names, onnx::GraphProto& graph) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const float lo = n.attr_float("activation_min", -kInf);
  const float hi = n.attr_float("activation_max", kInf);
  onnx::NodeProto* act = graph.add_node();
  act->set_name(names.make(n.name + "_activation"));
  act->add_input(pre);
  act->add_output(out);
  if (lo == 0 && hi == kInf) {
    act->set_op_type("Relu");
    return;
  }
  act->set_op_type("Clip");
  const std::pair<float, const char*> bounds[] = {{lo, "min"}, {hi, "max"}};
  for (const auto& [value, which] : bounds) {
    const bool open = value == kInf || value == -kInf;
    if (opset < 11) {
      if (open) continue;
      onnx::AttributeProto* a = act->add_attribute();
      a->set_name(which);
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(value);
      continue;
    }
    std::string name;
    if (!open) {
      name = names.make(n.name + "_clip_" + which);
      add_scalar_initializer(graph, name, out_dtype, value);
    }
    act->add_input(name);
  }
  while (act->input_size() > 1 && act->input(act->input_size() - 1).empty()) act->mutable_input()->RemoveLast();
}

}  // namespace

std::string FreshNames::make(const std::string& base) { return first_free(base, false); }

std::string FreshNames::make_node_name(const std::string& base) { return first_free(base, true); }

std::string FreshNames::first_free(const std::string& base, bool avoid_node_names) {
  const auto used = [&](const std::string& name) {
    return graph_.find_value(name) || (avoid_node_names && graph_.find_node(name)) || taken_.count(name);
  };
  std::string name = base;
  for (int i = 1; used(name); ++i) name = base + "_" + std::to_string(i);
  taken_.insert(name);
  return name;
}

void describe(const std::string& name, ir::DType dtype, const std::optional<ir::Shape>& shape,
              onnx::ValueInfoProto& info) {
  info.set_name(name);
  if (dtype == ir::DType::Undefined) return;
  onnx::TypeProto_Tensor* type = info.mutable_type()->mutable_tensor_type();
  type->set_elem_type(dtype_to_onnx(dtype));
  if (!shape) return;
  onnx::TensorShapeProto* dims = type->mutable_shape();
  for (int64_t d : *shape) dims->add_dim()->set_dim_value(d);
}

void describe_value(const ir::Value& v, onnx::ValueInfoProto& info) { describe(v.name, v.dtype, v.shape, info); }

namespace {

// Gelu joined the default domain at opset 20. Below it, a Gelu is written as ONNX Runtime's contrib
// op (com.microsoft Gelu, or FastGelu for the tanh form), the form the importer adopts back.
constexpr int64_t kGeluOpset = 20;
constexpr const char* kContribDomain = "com.microsoft";

bool writes_contrib_gelu(const ir::Node& n, int64_t opset) {
  return n.domain.empty() && n.op_type == "Gelu" && opset < kGeluOpset;
}

}  // namespace

onnx::ModelProto model_header(const ir::Graph& g) {
  onnx::ModelProto model;
  model.set_ir_version(g.ir_version > 0 ? g.ir_version : kDefaultIrVersion);
  model.set_producer_name("tinyc");
  model.set_producer_version(kVersion);
  std::map<std::string, int64_t> opsets = g.opset_imports;
  if (opsets.empty()) opsets[""] = kDefaultOpset;
  const int64_t opset = opsets.count("") ? opsets.at("") : kDefaultOpset;
  for (const ir::Node* n : g.nodes())
    if (writes_contrib_gelu(*n, opset)) opsets.emplace(kContribDomain, 1);
  for (const auto& [domain, version] : opsets) {
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain(domain);
    opset->set_version(version);
  }
  model.mutable_graph()->set_name(g.name.empty() ? "main" : g.name);
  return model;
}

int64_t default_domain_opset(const onnx::ModelProto& model) {
  for (const char* domain : {"", "ai.onnx"})
    for (const onnx::OperatorSetIdProto& opset : model.opset_import())
      if (opset.domain() == domain) return opset.version();
  return kDefaultOpset;
}

NodeWiring wiring_as_in_graph(const ir::Node& n) {
  NodeWiring w;
  for (const ir::Value* in : n.inputs()) w.inputs.push_back(in ? in->name : "");
  for (const ir::Value* out : n.outputs()) w.outputs.push_back(out ? out->name : "");
  w.output_dtype = n.output(0) ? n.output(0)->dtype : ir::DType::Undefined;
  return w;
}

void add_node(const ir::Node& n, const NodeWiring& wiring, int64_t opset, FreshNames& names,
              onnx::GraphProto& graph) {
  onnx::NodeProto* np = graph.add_node();
  np->set_name(n.name);
  np->set_op_type(n.op_type);
  if (!n.domain.empty()) np->set_domain(n.domain);
  for (const std::string& in : wiring.inputs) np->add_input(in);
  for (const std::string& out : wiring.outputs) np->add_output(out);
  ir::Attributes attrs = n.attrs;
  if (writes_contrib_gelu(n, opset)) {
    np->set_domain(kContribDomain);
    if (n.attr_string("approximate", "none") == "tanh") np->set_op_type("FastGelu");
    attrs.erase("approximate");
  }
  std::erase_if(attrs, [](const auto& kv) { return is_fused_activation_attr(kv.first) || is_dropped_attr(kv.first); });
  attributes_to_proto(attrs, *np);
  if (!n.has_attr("activation_min") && !n.has_attr("activation_max")) return;
  const std::string pre = names.make(n.output(0)->name + "_pre_activation");
  np->set_output(0, pre);
  if (wiring.output_dtype != ir::DType::Undefined)
    describe(pre, wiring.output_dtype, n.output(0)->shape, *graph.add_value_info());
  add_activation(n, pre, wiring.outputs[0], wiring.output_dtype, opset, names, graph);
}

std::string serialize_model(const onnx::ModelProto& model) {
  if (model.ByteSizeLong() > static_cast<size_t>(INT_MAX))
    throw InputError("the model is larger than 2 GB, the limit of a single ONNX file");
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!model.SerializeToCodedStream(&coded)) throw InternalError("ONNX serialization failed");
  }
  return bytes;
}

}  // namespace tinyc::onnx_format
