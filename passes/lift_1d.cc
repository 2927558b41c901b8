// lift_1d: runs 1-D convolutions and pools as 2-D ones over a height of 1, the only form TFLite has.
//
// Before: x[N,C,L] -> Conv(W[M,C,k], pads=[b,e]) -> Relu -> MaxPool(kernel=[2]) -> y[N,M,L']
// After:  x -> Unsqueeze(2) -> Conv(W[M,C,1,k], pads=[0,b,0,e]) -> Relu -> MaxPool(kernel=[1,2]) -> Squeeze(2) -> y
// Lifted ops: Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool on rank-3
// inputs. Their attributes gain a leading (height) entry: kernel 1, stride 1, dilation 1, pads 0,
// output padding 0, output shape 1. Between lifted ops the values stay rank 4: an elementwise op,
// Pad or Concat whose activation inputs all come from lifted ops is lifted too (rank-2+ constants
// gain a 1 before their last dim, so they broadcast as before); Flatten and Reshape read the rank-4
// value directly where that gives the same result. So a chain of 1-D layers becomes one Unsqueeze,
// the 2-D layers and one Squeeze. Values keep their element order: (N, C, 1, L) is (N, C, L).
// Each lifted value keeps its name (so per-layer tables still match it); the Squeeze back to rank 3
// is named <name>_1d unless it is a graph output.
// Declines: MaxPool with its Indices output used; a weight or operand of another rank that is not
// a constant.
#include <algorithm>
#include <set>

#include "exec/evaluate.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

using Ints = std::vector<int64_t>;

const std::set<std::string>& window_ops() {
  static const std::set<std::string> ops{"Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool",
                                         "GlobalMaxPool"};
  return ops;
}

// Ops whose result does not depend on which dims the operands have, only on broadcasting.
const std::set<std::string>& elementwise_ops() {
  static const std::set<std::string> ops{"Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid", "Clip",
                                         "Exp",  "Neg",       "Abs",     "Sqrt", "Erf",       "Add",         "Sub",
                                         "Mul",  "Div",       "Max",     "Min",  "Sum",       "PRelu"};
  return ops;
}

bool rank_is(const ir::Value* v, size_t rank) { return v && v->shape && v->shape->size() == rank; }

// The 2-D attributes of a lifted window op: a height entry in front of each per-dim list.
ir::Attributes lifted_window_attrs(const ir::Node& n) {
  ir::Attributes attrs = n.attrs;
  auto prepend = [&](const char* key, int64_t height_value) {
    if (!n.has_attr(key)) return;
    Ints values = n.attr_ints(key, {});
    values.insert(values.begin(), height_value);
    attrs[key] = values;
  };
  prepend("kernel_shape", 1);
  prepend("strides", 1);
  prepend("dilations", 1);
  prepend("output_padding", 0);
  prepend("output_shape", 1);
  if (n.has_attr("pads")) {
    const Ints pads = n.attr_ints("pads", {});
    if (pads.size() == 2) attrs["pads"] = Ints{0, pads[0], 0, pads[1]};
  }
  return attrs;
}

// A constant read by a lifted op, reshaped to keep its meaning there: a window op's weight gains a
// height of 1 before its kernel dim; a broadcast operand of rank >= 2 aligns its last two dims
// with (C, L), so it gains a 1 between them.
ir::Tensor lifted_constant(const ir::Tensor& t) {
  ir::Shape shape = t.shape();
  if (shape.size() >= 2) shape.insert(shape.end() - 1, 1);
  ir::Tensor out(t.dtype(), shape);
  std::copy(t.bytes().begin(), t.bytes().end(), out.mutable_bytes().begin());
  return out;
}

class Lift1d : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    opset_ = exec::model_opset(g);
    axes_ = nullptr;
    squeezes_.clear();
    for (ir::Node* n : g.topological_order()) {
      if (!n->domain.empty()) continue;
      if (window_ops().count(n->op_type) && rank_is(n->input(0), 3)) {
        if (n->op_type == "MaxPool" && n->output(1) && (!n->output(1)->uses().empty() || n->output(1)->is_graph_output())) {
          result.decline(n->name, "its Indices output is used");
          continue;
        }
        lift_window(g, n, result);
      } else if (reads_lifted_values(*n)) {
        lift_follower(g, n, result);
      }
    }
    for (ir::Node* squeeze : squeezes_)
      if (is_unread(squeeze->output(0))) g.erase_node(squeeze);
    return result;
  }

 private:
  // The rank-4 value behind a Squeeze this pass added, or nullptr.
  ir::Value* lifted_source(const ir::Value* v) const {
    if (!v || !v->producer() || !squeezes_.count(v->producer())) return nullptr;
    return v->producer()->input(0);
  }

  // True when `n` reads a lifted value and can take the rank-4 form itself (or read it directly).
  bool reads_lifted_values(const ir::Node& n) const {
    const bool any = std::any_of(n.inputs().begin(), n.inputs().end(), [&](const ir::Value* v) { return lifted_source(v); });
    if (!any) return false;
    if (n.op_type == "Flatten" || n.op_type == "Reshape") return true;
    if (!elementwise_ops().count(n.op_type) && n.op_type != "Concat" && n.op_type != "Pad") return false;
    if (!rank_is(n.output(0), 3)) return false;
    if (n.op_type == "Pad")
      return n.input(1) && n.input(1)->is_constant() && n.input(1)->constant().num_elements() == 6 && !n.input(3);
    return std::all_of(n.inputs().begin(), n.inputs().end(),
                       [&](const ir::Value* v) { return !v || v->is_constant() || lifted_source(v); });
  }

  ir::Value* axes_constant(ir::Graph& g) {
    if (!axes_) axes_ = g.add_constant(g.unique_value_name("lift_1d_axis"), ir::Tensor::from_vector<int64_t>({1}, {2}));
    return axes_;
  }

  // A Squeeze or Unsqueeze of dim 2 of `x`, its output named after `name`.
  ir::Node* add_axis_node(ir::Graph& g, const std::string& op, ir::Value* x, const std::string& name) {
    std::vector<ir::Value*> inputs{x};
    if (opset_ >= 13) inputs.push_back(axes_constant(g));
    ir::Node* node = g.add_node(op, inputs, {g.unique_value_name(name)}, g.unique_node_name(name));
    if (opset_ < 13) node->attrs["axes"] = Ints{2};
    node->output(0)->dtype = x->dtype;
    return node;
  }

  // The rank-4 form of input `v` of a lifted node: a lifted value itself, a reshaped constant, or
  // an Unsqueeze of a rank-3 activation.
  ir::Value* lifted_input(ir::Graph& g, ir::Value* v) {
    if (!v) return nullptr;
    if (ir::Value* source = lifted_source(v)) return source;
    if (v->is_constant()) {
      if (v->shape->size() < 2) return v;
      return g.add_constant(g.unique_value_name(v->name + "_2d"), lifted_constant(v->constant()));
    }
    return add_axis_node(g, "Unsqueeze", v, v->name + "_2d")->output(0);
  }

  // Replaces `old` by a rank-4 node with these inputs and attributes plus a Squeeze for readers
  // that still want rank 3. The new node takes the old node's name and its output's name.
  void replace_by_lifted(ir::Graph& g, ir::Node* old, const std::vector<ir::Value*>& inputs, ir::Attributes attrs,
                         PassResult& result) {
    const std::string node_name = old->name;
    ir::Value* y = old->output(0);
    const std::string name = y->name;
    ir::Node* lifted = g.add_node(old->op_type, inputs, {g.unique_value_name(name + "_2d")}, g.unique_node_name(node_name));
    lifted->attrs = std::move(attrs);
    lifted->output(0)->dtype = y->dtype;
    ir::Node* squeeze = add_axis_node(g, "Squeeze", lifted->output(0), name + "_1d");
    squeeze->output(0)->shape = y->shape;
    g.replace_all_uses(y, squeeze->output(0));
    for (ir::Value* out : old->outputs())
      if (out && out != y && (!out->uses().empty() || out->is_graph_output()))
        throw InternalError("lift_1d: " + node_name + " has a used second output");
    g.erase_node(old);
    lifted->name = node_name;
    if (!squeeze->output(0)->is_graph_output()) g.rename_value(lifted->output(0), name);
    squeezes_.insert(squeeze);
    result.record_rewrite();
  }

  void lift_window(ir::Graph& g, ir::Node* n, PassResult& result) {
    std::vector<ir::Value*> inputs{lifted_input(g, n->input(0))};
    for (size_t i = 1; i < n->inputs().size(); ++i) {
      ir::Value* v = n->input(i);
      const bool weight = i == 1;
      if (weight && !v->is_constant() && !rank_is(v, 3)) {
        result.decline(n->name, "its weight is neither a constant nor rank 3");
        return;
      }
      inputs.push_back(weight ? lifted_input(g, v) : v);
    }
    replace_by_lifted(g, n, inputs, lifted_window_attrs(*n), result);
  }

  void lift_follower(ir::Graph& g, ir::Node* n, PassResult& result) {
    if (n->op_type == "Flatten" || n->op_type == "Reshape") {
      read_rank4_directly(g, n);
      return;
    }
    ir::Attributes attrs = n->attrs;
    std::vector<ir::Value*> inputs;
    if (n->op_type == "Pad") {
      inputs = {lifted_source(n->input(0))};
      const Ints pads = n->input(1)->constant().to_int64();
      const Ints lifted_pads{pads[0], pads[1], 0, pads[2], pads[3], pads[4], 0, pads[5]};
      inputs.push_back(g.add_constant(g.unique_value_name(n->input(1)->name + "_2d"),
                                      ir::Tensor::from_vector<int64_t>({8}, lifted_pads)));
      for (size_t i = 2; i < n->inputs().size(); ++i) inputs.push_back(n->input(i));
    } else {
      for (ir::Value* v : n->inputs()) inputs.push_back(lifted_input(g, v));
      if (n->op_type == "Concat") {
        const int64_t axis = n->attr_int("axis", 1);
        attrs["axis"] = axis == 2 || axis == -1 ? int64_t{3} : (axis < 0 ? axis - 1 : axis);
      }
    }
    replace_by_lifted(g, n, inputs, std::move(attrs), result);
  }

  // Flatten at axis <= 2 and a Reshape whose target copies no dim beyond the channels give the same
  // result from (N, C, 1, L) as from (N, C, L).
  void read_rank4_directly(ir::Graph& g, ir::Node* n) {
    ir::Value* source = lifted_source(n->input(0));
    if (!source) return;
    if (n->op_type == "Flatten") {
      int64_t axis = n->attr_int("axis", 1);
      if (axis < 0) axis += 3;
      if (axis > 2) return;
      n->attrs["axis"] = axis;
    } else {
      const ir::Value* target = n->input(1);
      if (!target || !target->is_constant()) return;
      const Ints dims = target->constant().to_int64();
      for (size_t i = 2; i < dims.size(); ++i)
        if (dims[i] == 0) return;
      if (n->attr_int("allowzero", 0) != 0 && std::find(dims.begin(), dims.end(), 0) != dims.end()) return;
    }
    g.set_node_input(n, 0, source);
  }

  int64_t opset_ = 13;
  ir::Value* axes_ = nullptr;
  std::set<ir::Node*> squeezes_;  // the Squeezes back to rank 3 this pass added
};

}  // namespace

PassInfo lift_1d_pass_info() {
  return {"lift_1d",
          "Run 1-D Conv and pools as 2-D ones over a height of 1, with the layers between them kept 2-D",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<Lift1d>(); }};
}

}  // namespace tinyc::passes
