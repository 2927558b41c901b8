// ir::Graph -> ModelProto bytes for float graphs. A graph carrying quantization parameters is
// refused rather than written without its scales (export_qdq.h writes quantized graphs).
// A fused activation (the typed attributes fused_activation, activation_min, activation_max of
// docs/ir.md) is written as the node followed by a Relu or Clip (proto_writer.h), so ONNX Runtime
// computes the same function; the three attributes themselves are never written.
#include "formats/onnx/export.h"

#include <onnx/onnx_pb.h>

#include "formats/onnx/proto_writer.h"
#include "formats/onnx/tensor_proto.h"
#include "io/atomic_file.h"
#include "ir/error.h"
#include "ir/verify.h"

namespace tinyc::onnx_format {

namespace {

void reject_quantized(const ir::Graph& g) {
  for (const ir::Value* v : g.values())
    if (v->quant)
      throw InputError("cannot write a quantized graph as float ONNX (value '" + v->name +
                       "' has quantization parameters); write it as --format onnx-qdq or tflite");
}

onnx::ModelProto to_model(const ir::Graph& g) {
  onnx::ModelProto model = model_header(g);
  const int64_t opset = default_domain_opset(model);
  onnx::GraphProto* graph = model.mutable_graph();
  for (const ir::Value* c : g.constants()) {
    onnx::TensorProto* t = graph->add_initializer();
    t->set_name(c->name);
    tensor_to_proto(c->constant(), *t);
  }
  for (const ir::Value* in : g.inputs()) describe_value(*in, *graph->add_input());
  FreshNames names(g);
  for (const ir::Node* n : g.topological_order()) {
    add_node(*n, wiring_as_in_graph(*n), opset, names, *graph);
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
  return serialize_model(to_model(g));
}

void export_model_file(const ir::Graph& g, const std::filesystem::path& path) {
  io::write_file_atomically(path, export_model_bytes(g));
}

}  // namespace tinyc::onnx_format
