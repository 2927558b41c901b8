// The parts of writing a ModelProto that the float writer (export.cc) and the QDQ writer
// (export_qdq.cc) share: fresh names, value types, the model header, one node with its fused
// activation re-expanded, and deterministic serialization.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::onnx_format {

// Names for values and nodes that exist only in the written file, unique against the graph's
// values (make) or its values and nodes (make_node_name), and against each other.
class FreshNames {
 public:
  explicit FreshNames(const ir::Graph& g) : graph_(g) {}
  std::string make(const std::string& base);
  std::string make_node_name(const std::string& base);

 private:
  std::string first_free(const std::string& base, bool avoid_node_names);

  const ir::Graph& graph_;
  std::set<std::string> taken_;
};

// Name, element type and shape (when known); only the name for an untyped value.
void describe(const std::string& name, ir::DType dtype, const std::optional<ir::Shape>& shape,
              onnx::ValueInfoProto& info);
void describe_value(const ir::Value& v, onnx::ValueInfoProto& info);

// ir_version, producer, opset imports (ONNX 1.8-era defaults when the graph has none) and the
// graph name; the graph body is left to the writer.
onnx::ModelProto model_header(const ir::Graph& g);

// The version of the default ONNX domain the model imports.
int64_t default_domain_opset(const onnx::ModelProto& model);

// Where one node reads and writes in the file: the names of its inputs and outputs ("" for an
// omitted slot) and output 0's element type. The float writer uses the graph's own names; the
// QDQ writer points int8 operands at their DequantizeLinear and output 0 at a float value that a
// QuantizeLinear then reads.
struct NodeWiring {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  ir::DType output_dtype = ir::DType::Undefined;
};

// The wiring of the graph itself.
NodeWiring wiring_as_in_graph(const ir::Node& n);

// Appends n with its ONNX attributes. A fused activation (docs/ir.md) is written as the node
// producing "<output>_pre_activation" followed by a Relu or Clip that produces wiring.outputs[0];
// the tinyc attributes fused_activation, activation_min and activation_max are never written.
void add_node(const ir::Node& n, const NodeWiring& wiring, int64_t opset, FreshNames& names,
              onnx::GraphProto& graph);

// Deterministic bytes; InputError above ONNX's 2 GB single-file limit.
std::string serialize_model(const onnx::ModelProto& model);

}  // namespace tinyc::onnx_format
