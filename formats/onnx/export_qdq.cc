// Quantized graph -> QDQ ModelProto (see export_qdq.h).
//
// Before (tinyc):  x -> QuantizeLinear -> x_quantized{s0, z0} -> Conv(W{s_w[c], axis 0}, b){Relu}
//                    -> y{s1, z1} -> DequantizeLinear -> out
// After (file):    x -> QuantizeLinear(s0, z0) -> x_quantized -> DequantizeLinear -> x_quantized_dequantized
//                  W -> DequantizeLinear(axis 0) -> W_dequantized, b -> DequantizeLinear(axis 0) -> b_dequantized
//                  Conv(x_quantized_dequantized, W_dequantized, b_dequantized) -> y_pre_activation -> Relu
//                    -> y_float -> QuantizeLinear(s1, z1) -> y -> DequantizeLinear(s1, z1) -> out
// Math: DequantizeLinear gives s·(q − z) per tensor or per channel along `axis`, QuantizeLinear
// gives saturate(round_half_even(x / s) + z): the float ops between them see exactly the reals the
// int8 values stand for, so a QDQ runtime (ONNX Runtime fuses these into integer kernels) computes
// the int8 graph up to its own rounding. Ops with fixed output parameters (Softmax, Sigmoid, Tanh)
// need nothing special: their output value carries those parameters. Each value's scale and zero
// point are written once ("<v>_scale", "<v>_zero_point") and shared by its Q and DQ nodes.
#include "formats/onnx/export_qdq.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <set>

#include "formats/onnx/proto_writer.h"
#include "formats/onnx/qdq_params.h"
#include "formats/onnx/tensor_proto.h"
#include "io/atomic_file.h"
#include "ir/error.h"
#include "ir/verify.h"

namespace tinyc::onnx_format {

namespace {

// Per-channel DequantizeLinear (the `axis` attribute) exists since opset 13.
constexpr int64_t kMinOpset = 13;

bool is_quantized(const ir::Value* v) { return v && v->quant.has_value(); }

// tinyc's edge nodes (docs/ir.md, "Edges"): one input; the int8 side carries the parameters.
bool is_edge_quantize(const ir::Node& n) {
  return n.domain.empty() && n.op_type == "QuantizeLinear" && n.inputs().size() == 1 && is_quantized(n.output(0));
}
bool is_edge_dequantize(const ir::Node& n) {
  return n.domain.empty() && n.op_type == "DequantizeLinear" && n.inputs().size() == 1 && is_quantized(n.input(0));
}

// True when some reader of the quantized value v computes in float, i.e. is not an edge
// DequantizeLinear (which reads the int8 value itself).
bool has_float_reader(const ir::Value& v) {
  for (const ir::Use& u : v.uses())
    if (!is_edge_dequantize(*u.node)) return true;
  return false;
}

// Why `n`, written as it is, would mean something else at opset 13 than at an older opset; empty
// when it would not. The ops a compressed model holds kept their meaning, except in the forms
// checked here (attributes that became inputs, Softmax's 2-D coercion); an op not listed is not
// upgraded.
std::string upgrade_blocker(const ir::Node& n) {
  static const std::set<std::string> kUnchanged{
      "Conv", "ConvTranspose", "MatMul", "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "Tanh", "Exp",
      "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape", "Concat", "Transpose",
      "Identity", "QuantizeLinear", "DequantizeLinear"};
  const std::string& op = n.op_type;
  if (!n.domain.empty()) return "";
  if (kUnchanged.count(op)) return "";
  if (op == "Gemm" || op == "Add" || op == "Sub" || op == "Mul" || op == "Div")
    return n.has_attr("broadcast") ? "its 'broadcast' attribute is gone at opset 13" : "";
  if (op == "Clip") return n.has_attr("min") || n.has_attr("max") ? "its bounds are inputs at opset 13" : "";
  if (op == "Pad") return n.has_attr("pads") ? "its pads are an input at opset 13" : "";
  if (op == "Softmax" || op == "LogSoftmax") {
    const int64_t rank = n.input(0) && n.input(0)->shape ? static_cast<int64_t>(n.input(0)->shape->size()) : 0;
    const int64_t axis = n.attr_int("axis", 1);
    return rank > 0 && (axis == rank - 1 || axis == -1) ? "" : "it normalizes over one axis at opset 13, not all axes from 'axis' on";
  }
  return "tinyc does not know whether it changed";
}

// An older opset is raised to 13 when every node means the same there; else refused, naming the node.
int64_t writable_opset(const ir::Graph& g, int64_t opset) {
  if (opset >= kMinOpset) return opset;
  for (const ir::Node* n : g.topological_order())
    if (const std::string why = upgrade_blocker(*n); !why.empty())
      throw InputError("a QDQ ONNX model needs opset 13 or later (per-channel DequantizeLinear), this model has opset " +
                       std::to_string(opset) + " and " + n->op_type + " '" + n->name + "' cannot be raised to 13 (" +
                       why + "): re-export it with opset 13+ or write --format tflite");
  return kMinOpset;
}

void check_writable(const ir::Graph& g) {
  bool quantized = false;
  for (const ir::Value* v : g.values()) {
    if (!is_quantized(v)) continue;
    quantized = true;
    if (v->quant->bits == 4)
      throw InputError("value '" + v->name + "' holds 4-bit weights; ONNX has INT4 only from opset 21, which tinyc's "
                       "ONNX (1.12) cannot write: use --weight-bits 8 with --format onnx-qdq, or write --format tflite");
    check_qdq_params(*v);
    if (!v->is_constant() && v->dtype == ir::DType::Int32)
      throw InputError("value '" + v->name + "' is an int32 activation, which QuantizeLinear cannot produce");
  }
  if (!quantized)
    throw InputError("the graph has no quantization parameters, so there is nothing to write as QDQ: quantize it "
                     "(--int8 with --calib or --data-free) or write --format onnx");
}

// Writes one graph into `model`, node by node in topological order.
class QdqWriter {
 public:
  QdqWriter(const ir::Graph& g, onnx::ModelProto& model)
      : g_(g), graph_(*model.mutable_graph()), opset_(default_domain_opset(model)), names_(g) {}

  void write() {
    for (const ir::Value* c : g_.constants()) {
      onnx::TensorProto* t = graph_.add_initializer();
      t->set_name(c->name);
      tensor_to_proto(c->constant(), *t);
    }
    for (const ir::Value* in : g_.inputs()) describe_value(*in, *graph_.add_input());
    for (const ir::Value* c : g_.constants()) dequantize_for_readers(*c);
    for (const ir::Value* in : g_.inputs()) dequantize_for_readers(*in);
    for (const ir::Node* n : g_.topological_order()) {
      if (is_edge_quantize(*n))
        add_quantize(n->input(0)->name, *n->output(0), n->name);
      else if (is_edge_dequantize(*n))
        add_dequantize(*n->input(0), n->output(0)->name, n->name);
      else
        add_computation(*n);
      for (const ir::Value* out : n->outputs()) {
        if (out && !out->is_graph_output() && out->dtype != ir::DType::Undefined)
          describe_value(*out, *graph_.add_value_info());
        if (is_quantized(out)) dequantize_for_readers(*out);
      }
    }
    for (const ir::Value* out : g_.outputs()) describe_value(*out, *graph_.add_output());
  }

 private:
  // A node that computes: in float, reading the dequantized form of its int8 operands; each int8
  // output is computed as "<v>_float" and quantized into v.
  void add_computation(const ir::Node& n) {
    NodeWiring wiring = wiring_as_in_graph(n);
    for (size_t i = 0; i < n.inputs().size(); ++i)
      if (is_quantized(n.input(i))) wiring.inputs[i] = dequantized_.at(n.input(i));
    std::vector<std::pair<std::string, const ir::Value*>> to_quantize;
    for (size_t i = 0; i < n.outputs().size(); ++i) {
      const ir::Value* out = n.output(i);
      if (!is_quantized(out)) continue;
      wiring.outputs[i] = names_.make(out->name + "_float");
      if (i == 0) wiring.output_dtype = ir::DType::Float32;
      to_quantize.emplace_back(wiring.outputs[i], out);
    }
    add_node(n, wiring, opset_, names_, graph_);
    for (const auto& [float_name, out] : to_quantize) {
      describe(float_name, ir::DType::Float32, out->shape, *graph_.add_value_info());
      add_quantize(float_name, *out, names_.make_node_name(out->name + "_quantize"));
    }
  }

  // "<v>_dequantized" for the float readers of the quantized value v, when it has any.
  void dequantize_for_readers(const ir::Value& v) {
    if (!is_quantized(&v) || !has_float_reader(v)) return;
    const std::string name = names_.make(v.name + "_dequantized");
    add_dequantize(v, name, names_.make_node_name(v.name + "_dequantize"));
    describe(name, ir::DType::Float32, v.is_constant() ? v.constant().shape() : v.shape, *graph_.add_value_info());
    dequantized_[&v] = name;
  }

  void add_quantize(const std::string& input, const ir::Value& quantized, const std::string& node_name) {
    add_qdq_node("QuantizeLinear", input, quantized, quantized.name, node_name);
  }

  void add_dequantize(const ir::Value& quantized, const std::string& output, const std::string& node_name) {
    add_qdq_node("DequantizeLinear", quantized.name, quantized, output, node_name);
  }

  void add_qdq_node(const char* op, const std::string& input, const ir::Value& quantized, const std::string& output,
                    const std::string& node_name) {
    const auto& [scale, zero_point] = params_of(quantized);
    onnx::NodeProto* node = graph_.add_node();
    node->set_name(node_name);
    node->set_op_type(op);
    node->add_input(input);
    node->add_input(scale);
    node->add_input(zero_point);
    node->add_output(output);
    if (!quantized.quant->per_channel()) return;
    onnx::AttributeProto* axis = node->add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(quantized.quant->axis);
  }

  // The names of v's scale and zero point initializers, written at first use.
  const std::pair<std::string, std::string>& params_of(const ir::Value& v) {
    auto [it, inserted] = params_.try_emplace(&v);
    if (!inserted) return it->second;
    it->second = {names_.make(v.name + "_scale"), names_.make(v.name + "_zero_point")};
    const QdqParamTensors tensors = qdq_param_tensors(v);
    onnx::TensorProto* scale = graph_.add_initializer();
    scale->set_name(it->second.first);
    tensor_to_proto(tensors.scale, *scale);
    onnx::TensorProto* zero_point = graph_.add_initializer();
    zero_point->set_name(it->second.second);
    tensor_to_proto(tensors.zero_point, *zero_point);
    return it->second;
  }

  const ir::Graph& g_;
  onnx::GraphProto& graph_;
  int64_t opset_;
  FreshNames names_;
  std::map<const ir::Value*, std::string> dequantized_;
  std::map<const ir::Value*, std::pair<std::string, std::string>> params_;
};

}  // namespace

std::string export_qdq_model_bytes(const ir::Graph& g) {
  ir::verify_or_throw(g, "before QDQ ONNX export");
  onnx::ModelProto model = model_header(g);
  const int64_t opset = writable_opset(g, default_domain_opset(model));
  check_writable(g);
  for (onnx::OperatorSetIdProto& id : *model.mutable_opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx") id.set_version(opset);
  QdqWriter(g, model).write();
  return serialize_model(model);
}

void export_qdq_model_file(const ir::Graph& g, const std::filesystem::path& path) {
  io::write_file_atomically(path, export_qdq_model_bytes(g));
}

}  // namespace tinyc::onnx_format
