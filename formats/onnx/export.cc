// ir::Graph -> ModelProto bytes. Quantization parameters are not exported yet (QDQ comes with
// the int8 work); a graph carrying them is refused rather than written without its scales.
#include "formats/onnx/export.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <onnx/onnx_pb.h>

#include <climits>

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

void add_node(const ir::Node& n, onnx::GraphProto& graph) {
  onnx::NodeProto* np = graph.add_node();
  np->set_name(n.name);
  np->set_op_type(n.op_type);
  if (!n.domain.empty()) np->set_domain(n.domain);
  for (const ir::Value* in : n.inputs()) np->add_input(in ? in->name : "");
  for (const ir::Value* out : n.outputs()) np->add_output(out ? out->name : "");
  attributes_to_proto(n.attrs, *np);
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
  for (const ir::Node* n : g.topological_order()) {
    add_node(*n, *graph);
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
