// ir::Graph -> ModelProto bytes. Quantization parameters are not exported yet (QDQ comes with
// the int8 work); a graph carrying them is refused rather than written without its scales.
// A fused activation (the typed attributes fused_activation, activation_min, activation_max of
// docs/ir.md) has no ONNX form: a node carrying activation_min/max is written with a renamed output,
// followed by a Relu or Clip that produces the original output, so ONNX Runtime computes the same
// function; the three attributes themselves are never written.
#include "formats/onnx/export.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <limits>
#include <set>

#include "formats/onnx/attributes.h"
#include "formats/onnx/dtype_map.h"
#include "formats/onnx/tensor_proto.h"
#include "io/atomic_file.h"
#include "ir/error.h"
#include "ir/verify.h"
#include "ir/version.h"

namespace tinyc::onnx_format {

namespace {

// Used when a graph was built without an imported model's versions: ONNX 1.8-era defaults.
constexpr int64_t kDefaultIrVersion = 8;
constexpr int64_t kDefaultOpset = 13;

void describe_value(const ir::Value& v, onnx::ValueInfoProto& info) {
  info.set_name(v.name);
  if (v.dtype == ir::DType::Undefined) return;
  onnx::TypeProto_Tensor* type = info.mutable_type()->mutable_tensor_type();
  type->set_elem_type(dtype_to_onnx(v.dtype));
  if (!v.shape) return;
  onnx::TensorShapeProto* shape = type->mutable_shape();
  for (int64_t d : *v.shape) shape->add_dim()->set_dim_value(d);
}

int64_t default_domain_opset(const std::map<std::string, int64_t>& opsets) {
  for (const char* domain : {"", "ai.onnx"})
    if (auto it = opsets.find(domain); it != opsets.end()) return it->second;
  return kDefaultOpset;
}

// Names for values that exist only in the exported file, unique against the graph and each other.
class FreshNames {
 public:
  explicit FreshNames(const ir::Graph& g) : graph_(g) {}
  std::string make(const std::string& base) {
    std::string name = base;
    for (int i = 1; graph_.find_value(name) || taken_.count(name); ++i) name = base + "_" + std::to_string(i);
    taken_.insert(name);
    return name;
  }

 private:
  const ir::Graph& graph_;
  std::set<std::string> taken_;
};

// The tinyc attributes that describe a fused activation (the clamp is activation_min/max; the name
// is for emitters); never written as attributes.
bool is_fused_activation_attr(const std::string& name) {
  return name == "fused_activation" || name == "activation_min" || name == "activation_max";
}

void add_scalar_initializer(onnx::GraphProto& graph, const std::string& name, ir::DType dtype, float value) {
  onnx::TensorProto* t = graph.add_initializer();
  t->set_name(name);
  tensor_to_proto(dtype == ir::DType::Float64 ? ir::Tensor::scalar<double>(value) : ir::Tensor::scalar<float>(value),
                  *t);
}

// Writes clamp(pre, activation_min, activation_max) -> out as Relu ([0, inf)) or Clip (bounds as
// initializers since opset 11, attributes before; an infinite bound is left out).
void add_activation(const ir::Node& n, const std::string& pre, const ir::Value& out, int64_t opset,
                    FreshNames& names, onnx::GraphProto& graph) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const float lo = n.attr_float("activation_min", -kInf);
  const float hi = n.attr_float("activation_max", kInf);
  onnx::NodeProto* act = graph.add_node();
  act->set_name(names.make(n.name + "_activation"));
  act->add_input(pre);
  act->add_output(out.name);
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
      add_scalar_initializer(graph, name, out.dtype, value);
    }
    act->add_input(name);
  }
  while (act->input_size() > 1 && act->input(act->input_size() - 1).empty()) act->mutable_input()->RemoveLast();
}

void add_node(const ir::Node& n, int64_t opset, FreshNames& names, onnx::GraphProto& graph) {
  onnx::NodeProto* np = graph.add_node();
  np->set_name(n.name);
  np->set_op_type(n.op_type);
  if (!n.domain.empty()) np->set_domain(n.domain);
  for (const ir::Value* in : n.inputs()) np->add_input(in ? in->name : "");
  for (const ir::Value* out : n.outputs()) np->add_output(out ? out->name : "");
  ir::Attributes attrs = n.attrs;
  std::erase_if(attrs, [](const auto& kv) { return is_fused_activation_attr(kv.first); });
  attributes_to_proto(attrs, *np);
  if (!n.has_attr("activation_min") && !n.has_attr("activation_max")) return;
  const ir::Value& out = *n.output(0);
  const std::string pre = names.make(out.name + "_pre_activation");
  np->set_output(0, pre);
  if (out.dtype != ir::DType::Undefined) {
    onnx::ValueInfoProto* info = graph.add_value_info();
    describe_value(out, *info);
    info->set_name(pre);
  }
  add_activation(n, pre, out, opset, names, graph);
}

void reject_quantized(const ir::Graph& g) {
  for (const ir::Value* v : g.values())
    if (v->quant)
      throw InputError("cannot export a quantized graph to ONNX yet (value '" + v->name +
                       "' has quantization parameters); write a .tflite file instead");
}

onnx::ModelProto to_model(const ir::Graph& g) {
  onnx::ModelProto model;
  model.set_ir_version(g.ir_version > 0 ? g.ir_version : kDefaultIrVersion);
  model.set_producer_name("tinyc");
  model.set_producer_version(kVersion);
  std::map<std::string, int64_t> opsets = g.opset_imports;
  if (opsets.empty()) opsets[""] = kDefaultOpset;
  for (const auto& [domain, version] : opsets) {
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain(domain);
    opset->set_version(version);
  }
  onnx::GraphProto* graph = model.mutable_graph();
  graph->set_name(g.name.empty() ? "main" : g.name);
  for (const ir::Value* c : g.constants()) {
    onnx::TensorProto* t = graph->add_initializer();
    t->set_name(c->name);
    tensor_to_proto(c->constant(), *t);
  }
  for (const ir::Value* in : g.inputs()) describe_value(*in, *graph->add_input());
  FreshNames names(g);
  for (const ir::Node* n : g.topological_order()) {
    add_node(*n, default_domain_opset(opsets), names, *graph);
    for (const ir::Value* out : n->outputs())
      if (out && !out->is_graph_output() && out->dtype != ir::DType::Undefined)
        describe_value(*out, *graph->add_value_info());
  }
  for (const ir::Value* out : g.outputs()) describe_value(*out, *graph->add_output());
  return model;
}

}  // namespace

std::string export_model_bytes(const ir::Graph& g) {
  ir::verify_or_throw(g, "before ONNX export");
  reject_quantized(g);
  const onnx::ModelProto model = to_model(g);
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

void export_model_file(const ir::Graph& g, const std::filesystem::path& path) {
  io::write_file_atomically(path, export_model_bytes(g));
}

}  // namespace tinyc::onnx_format
