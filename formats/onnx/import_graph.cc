// Converts a GraphProto into an ir::Graph, checking SSA form and naming every problem.
#include "formats/onnx/import_graph.h"

#include <optional>
#include <unordered_set>

#include "formats/onnx/attributes.h"
#include "formats/onnx/dtype_map.h"
#include "formats/onnx/input_shapes.h"
#include "formats/onnx/tensor_proto.h"
#include "ir/error.h"

namespace tinyc::onnx_format {

namespace {

namespace fs = std::filesystem;

std::string node_label(const ir::Node& n) { return "node '" + n.name + "' (" + n.op_type + ")"; }

std::string definition_of(const ir::Value& v) {
  if (v.is_graph_input()) return "a graph input";
  if (v.is_constant()) return "an initializer";
  return v.producer() ? node_label(*v.producer()) : "something else";
}

// Declared shapes count only when every dim is a known number.
std::optional<ir::Shape> static_shape(const onnx::TypeProto_Tensor& type) {
  if (!type.has_shape()) return std::nullopt;
  ir::Shape shape;
  for (const auto& d : type.shape().dim()) {
    if (!d.has_dim_value() || d.dim_value() < 0) return std::nullopt;
    shape.push_back(d.dim_value());
  }
  return shape;
}

// One conversion, holding what the steps share.
class GraphImporter {
 public:
  GraphImporter(const onnx::GraphProto& proto, const fs::path& base_dir, const ImportOptions& options,
                std::vector<std::string>& notices)
      : proto_(proto), base_dir_(base_dir), options_(options), notices_(notices), g_(std::make_unique<ir::Graph>()) {}

  std::unique_ptr<ir::Graph> run() {
    if (proto_.sparse_initializer_size() > 0)
      throw InputError("the model has sparse initializers, which tinyc does not support");
    if (proto_.output_size() == 0) throw InputError("the model has no graph outputs; it computes nothing");
    ir::check_node_count(proto_.node_size(), options_.limits);
    g_->limits = options_.limits;
    add_initializers();
    add_inputs();
    add_nodes();
    link_node_inputs();
    for (const onnx::ValueInfoProto& info : proto_.value_info()) apply_declared_type(info);
    add_outputs();
    g_->sort_topologically();
    return std::move(g_);
  }

 private:
  // SSA: every name is defined once, by an initializer, a graph input or one node output.
  void check_new_value(const std::string& name, const std::string& definer) const {
    if (const ir::Value* existing = g_->find_value(name))
      throw InputError("value '" + name + "' is defined twice, by " + definition_of(*existing) + " and by " + definer +
                       "; each ONNX value has one definition");
  }

  void add_initializers() {
    for (const onnx::TensorProto& t : proto_.initializer()) {
      if (t.name().empty()) throw InputError("an initializer has no name; the model is malformed");
      check_new_value(t.name(), "an initializer");
      g_->add_constant(t.name(), tensor_from_proto(t, "tensor '" + t.name() + "'", base_dir_, options_.limits));
    }
  }

  void add_inputs() {
    std::vector<const onnx::ValueInfoProto*> inputs;
    std::vector<std::string> names;
    for (const onnx::ValueInfoProto& in : proto_.input()) {
      if (in.name().empty()) throw InputError("a graph input has no name; the model is malformed");
      const ir::Value* existing = g_->find_value(in.name());
      if (existing && existing->is_constant()) continue;  // older exporters list initializers as inputs too
      inputs.push_back(&in);
      names.push_back(in.name());
    }
    check_overrides_name_inputs(options_, names);
    for (const onnx::ValueInfoProto* in : inputs) {
      const std::string what = "input '" + in->name() + "'";
      if (!in->type().has_tensor_type())
        throw InputError(what + " is not a tensor; sequence, map and optional inputs are not supported");
      const onnx::TypeProto_Tensor& type = in->type().tensor_type();
      const ir::DType dtype = dtype_from_onnx(type.elem_type(), what);
      const ir::Shape shape = resolve_input_shape(in->name(), type, options_, notices_);
      try {
        ir::num_elements(shape);
      } catch (const InputError& e) {
        throw InputError(what + ": " + e.what());
      }
      check_new_value(in->name(), "a graph input");
      g_->add_input(in->name(), dtype, shape);
    }
  }

  // A node name that is unique; empty and repeated names become "<op>_<index>".
  std::string node_name(const onnx::NodeProto& np, int index, std::unordered_set<std::string>& taken) const {
    std::string name = np.name();
    if (name.empty() || taken.count(name)) {
      const std::string base = np.op_type() + "_" + std::to_string(index);
      name = base;
      for (int k = 1; taken.count(name); ++k) name = base + "_" + std::to_string(k);
    }
    taken.insert(name);
    return name;
  }

  // ONNX Runtime's com.microsoft Gelu is the default domain's Gelu (opset 20); its FastGelu without
  // a bias is that Gelu's tanh form. Other contrib ops stay in their domain (and are refused by name).
  static void adopt_contrib_gelu(ir::Node& n, const onnx::NodeProto& np) {
    if (n.domain != "com.microsoft") return;
    const bool no_bias = np.input_size() < 2 || np.input(1).empty();
    if (n.op_type == "Gelu") {
      n.domain.clear();
    } else if (n.op_type == "FastGelu" && no_bias) {
      n.domain.clear();
      n.op_type = "Gelu";
      n.attrs["approximate"] = std::string("tanh");
    }
  }

  // Creates every node with its outputs first, so inputs can be linked whatever the file order.
  void add_nodes() {
    std::unordered_set<std::string> taken;
    for (int i = 0; i < proto_.node_size(); ++i) {
      const onnx::NodeProto& np = proto_.node(i);
      if (np.op_type().empty())
        throw InputError("node #" + std::to_string(i) + " ('" + np.name() + "') has no op_type; the model is malformed");
      const std::string name = node_name(np, i, taken);
      const std::string label = "node '" + name + "' (" + np.op_type() + ")";
      const std::vector<std::string> outputs(np.output().begin(), np.output().end());
      std::unordered_set<std::string> own;
      for (const std::string& out : outputs) {
        if (out.empty()) continue;
        if (!own.insert(out).second) throw InputError(label + " lists output '" + out + "' twice");
        check_new_value(out, label);
      }
      ir::Attributes attrs = attributes_from_proto(np, label, base_dir_, options_.limits);
      ir::Node* n = g_->add_node(np.op_type(), {}, outputs, name);
      n->domain = normalize_domain(np.domain());
      n->attrs = std::move(attrs);
      adopt_contrib_gelu(*n, np);
      nodes_.push_back(n);
    }
  }

  void link_node_inputs() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      ir::Node* n = nodes_[i];
      const auto& names = proto_.node(static_cast<int>(i)).input();
      for (int slot = 0; slot < names.size(); ++slot) {
        ir::Value* v = nullptr;  // an empty name is an omitted optional input
        if (!names[slot].empty()) {
          v = g_->find_value(names[slot]);
          if (!v)
            throw InputError(node_label(*n) + " reads '" + names[slot] +
                             "', which no node, graph input or initializer defines");
        }
        g_->set_node_input(n, static_cast<size_t>(slot), v);
      }
    }
  }

  // Types from value_info/outputs describe node results; inputs and constants know their own.
  void apply_declared_type(const onnx::ValueInfoProto& info) {
    ir::Value* v = g_->find_value(info.name());
    if (!v || !v->producer() || !info.type().has_tensor_type()) return;
    const onnx::TypeProto_Tensor& type = info.type().tensor_type();
    if (type.elem_type() != onnx::TensorProto::UNDEFINED)
      v->dtype = dtype_from_onnx(type.elem_type(), "value '" + info.name() + "'");
    if (auto shape = static_shape(type)) v->shape = std::move(*shape);
  }

  void add_outputs() {
    for (const onnx::ValueInfoProto& out : proto_.output()) {
      ir::Value* v = g_->find_value(out.name());
      if (!v)
        throw InputError("graph output '" + out.name() + "' is not defined by any node, graph input or initializer");
      if (v->is_graph_output()) throw InputError("graph output '" + out.name() + "' is listed twice");
      apply_declared_type(out);
      g_->add_output(v);
    }
  }

  const onnx::GraphProto& proto_;
  const fs::path& base_dir_;
  const ImportOptions& options_;
  std::vector<std::string>& notices_;
  std::unique_ptr<ir::Graph> g_;
  std::vector<ir::Node*> nodes_;  // parallel to proto_.node()
};

}  // namespace

std::string normalize_domain(const std::string& domain) { return domain == "ai.onnx" ? "" : domain; }

std::unique_ptr<ir::Graph> import_graph(const onnx::GraphProto& proto, const fs::path& base_dir,
                                        const ImportOptions& options, std::vector<std::string>& notices) {
  return GraphImporter(proto, base_dir, options, notices).run();
}

}  // namespace tinyc::onnx_format
