// Graph construction and the mutation API that keeps SSA links consistent.
#include "ir/graph.h"

#include <algorithm>
#include <queue>
#include <unordered_set>

#include "ir/error.h"

namespace tinyc::ir {

Value* Graph::new_value(const std::string& name) {
  if (name.empty()) throw InternalError("values need a name");
  if (value_by_name_.count(name)) throw InternalError("duplicate value name '" + name + "'");
  values_.push_back(std::unique_ptr<Value>(new Value(name)));
  Value* v = values_.back().get();
  value_by_name_[name] = v;
  return v;
}

Value* Graph::add_input(const std::string& name, DType dtype, Shape shape) {
  Value* v = new_value(name);
  v->dtype = dtype;
  v->shape = std::move(shape);
  v->is_graph_input_ = true;
  inputs_.push_back(v);
  return v;
}

Value* Graph::add_constant(const std::string& name, Tensor data) {
  Value* v = new_value(name);
  set_constant(v, std::move(data));
  return v;
}

void Graph::set_constant(Value* v, Tensor data) {
  if (v->producer_ || v->is_graph_input_) throw InternalError("set_constant on non-constant value '" + v->name + "'");
  v->dtype = data.dtype();
  v->shape = data.shape();
  v->constant_ = std::move(data);
}

Node* Graph::add_node(const std::string& op_type, const std::vector<Value*>& inputs,
                      const std::vector<std::string>& output_names, const std::string& node_name) {
  nodes_.push_back(std::unique_ptr<Node>(new Node()));
  Node* n = nodes_.back().get();
  n->op_type = op_type;
  n->name = node_name.empty() ? unique_node_name(op_type) : node_name;
  for (Value* in : inputs) set_node_input(n, n->inputs_.size(), in);
  for (size_t i = 0; i < output_names.size(); ++i) {
    if (output_names[i].empty()) {
      n->outputs_.push_back(nullptr);
      continue;
    }
    Value* out = new_value(output_names[i]);
    out->producer_ = n;
    out->producer_output_ = i;
    n->outputs_.push_back(out);
  }
  // Omitted trailing outputs carry no information.
  while (!n->outputs_.empty() && n->outputs_.back() == nullptr) n->outputs_.pop_back();
  return n;
}

void Graph::add_output(Value* v) {
  if (v->is_graph_output_) throw InternalError("value '" + v->name + "' is already a graph output");
  v->is_graph_output_ = true;
  outputs_.push_back(v);
}

void Graph::remove_use(Value* v, Node* node, size_t index) {
  auto it = std::find(v->uses_.begin(), v->uses_.end(), Use{node, index});
  if (it == v->uses_.end()) throw InternalError("use list of '" + v->name + "' lost a use");
  v->uses_.erase(it);
}

void Graph::set_node_input(Node* node, size_t index, Value* v) {
  if (index > node->inputs_.size()) throw InternalError("set_node_input: index past the end on " + node->name);
  if (index == node->inputs_.size()) node->inputs_.push_back(nullptr);
  if (Value* old = node->inputs_[index]) remove_use(old, node, index);
  node->inputs_[index] = v;
  if (v) v->uses_.push_back(Use{node, index});
}

void Graph::truncate_node_inputs(Node* node, size_t count) {
  while (node->inputs_.size() > count) {
    size_t last = node->inputs_.size() - 1;
    if (Value* old = node->inputs_[last]) remove_use(old, node, last);
    node->inputs_.pop_back();
  }
}

bool Graph::can_replace_all_uses(const Value* from, const Value* to) const {
  if (from == to) return false;
  if (!from->is_graph_output_) return true;
  // The output slot keeps its name, so `to` must be renamable and not an output itself.
  return !to->is_graph_output_ && !to->is_graph_input_;
}

void Graph::replace_all_uses(Value* from, Value* to) {
  if (!can_replace_all_uses(from, to))
    throw InternalError("cannot replace '" + from->name + "' by '" + to->name +
                        "': it would merge a graph output with another graph input or output");
  const std::vector<Use> uses = from->uses_;
  for (const Use& u : uses) set_node_input(u.node, u.input_index, to);
  if (from->is_graph_output_) {
    std::replace(outputs_.begin(), outputs_.end(), from, to);
    from->is_graph_output_ = false;
    to->is_graph_output_ = true;
    const std::string interface_name = from->name;
    rename_value(from, unique_value_name(interface_name + "_replaced"));
    rename_value(to, interface_name);
  }
}

void Graph::erase_node(Node* node) {
  for (Value* out : node->outputs_) {
    if (!out) continue;
    if (!out->uses_.empty() || out->is_graph_output_)
      throw InternalError("erase_node: output '" + out->name + "' of " + node->name + " is still used");
  }
  truncate_node_inputs(node, 0);
  for (Value* out : node->outputs_) {
    if (!out) continue;
    out->producer_ = nullptr;
    erase_value(out);
  }
  auto it = std::find_if(nodes_.begin(), nodes_.end(), [&](const auto& p) { return p.get() == node; });
  nodes_.erase(it);
}

void Graph::erase_value(Value* v) {
  if (v->producer_ || !v->uses_.empty() || v->is_graph_input_ || v->is_graph_output_)
    throw InternalError("erase_value: '" + v->name + "' is still linked");
  value_by_name_.erase(v->name);
  auto it = std::find_if(values_.begin(), values_.end(), [&](const auto& p) { return p.get() == v; });
  values_.erase(it);
}

void Graph::rename_value(Value* v, const std::string& new_name) {
  if (new_name == v->name) return;
  if (value_by_name_.count(new_name)) throw InternalError("rename_value: '" + new_name + "' is taken");
  value_by_name_.erase(v->name);
  v->name = new_name;
  value_by_name_[new_name] = v;
}

std::vector<Node*> Graph::topological_order() const {
  std::unordered_map<const Node*, size_t> pending;  // inputs produced by not-yet-placed nodes
  std::unordered_map<const Node*, size_t> position;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node* n = nodes_[i].get();
    position[n] = i;
    size_t count = 0;
    for (const Value* in : n->inputs_)
      if (in && in->producer_) ++count;
    pending[n] = count;
  }
  // Min-heap on original position keeps the order stable.
  auto later = [&](const Node* a, const Node* b) { return position[a] > position[b]; };
  std::priority_queue<Node*, std::vector<Node*>, decltype(later)> ready(later);
  for (auto& n : nodes_)
    if (pending[n.get()] == 0) ready.push(n.get());
  std::vector<Node*> order;
  while (!ready.empty()) {
    Node* n = ready.top();
    ready.pop();
    order.push_back(n);
    for (Value* out : n->outputs_) {
      if (!out) continue;
      for (const Use& u : out->uses_)
        if (--pending[u.node] == 0) ready.push(u.node);
    }
  }
  if (order.size() != nodes_.size()) throw InputError("the graph has a cycle; ONNX graphs must be acyclic");
  return order;
}

void Graph::sort_topologically() {
  const std::vector<Node*> order = topological_order();
  std::unordered_map<const Node*, std::unique_ptr<Node>> owned;
  for (auto& n : nodes_) owned.emplace(n.get(), std::move(n));
  nodes_.clear();
  for (Node* n : order) nodes_.push_back(std::move(owned.at(n)));
}

std::vector<Node*> Graph::nodes() const {
  std::vector<Node*> out;
  out.reserve(nodes_.size());
  for (const auto& n : nodes_) out.push_back(n.get());
  return out;
}

std::vector<Value*> Graph::values() const {
  std::vector<Value*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v.get());
  return out;
}

std::vector<Value*> Graph::constants() const {
  std::vector<Value*> out;
  for (const auto& v : values_)
    if (v->is_constant()) out.push_back(v.get());
  return out;
}

Value* Graph::find_value(const std::string& name) const {
  auto it = value_by_name_.find(name);
  return it == value_by_name_.end() ? nullptr : it->second;
}

Node* Graph::find_node(const std::string& name) const {
  for (const auto& n : nodes_)
    if (n->name == name) return n.get();
  return nullptr;
}

std::string Graph::unique_value_name(const std::string& base) const {
  if (!value_by_name_.count(base)) return base;
  for (size_t i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!value_by_name_.count(candidate)) return candidate;
  }
}

std::string Graph::unique_node_name(const std::string& base) const {
  std::unordered_set<std::string> taken;
  for (const auto& n : nodes_) taken.insert(n->name);
  if (!taken.count(base)) return base;
  for (size_t i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!taken.count(candidate)) return candidate;
  }
}

Node* Graph::add_node_copy(const Node& n, const std::vector<Value*>& inputs) {
  std::vector<std::string> outs;
  for (const Value* out : n.outputs_) outs.push_back(out ? out->name : "");
  Node* c = add_node(n.op_type, inputs, outs, n.name);
  c->domain = n.domain;
  c->attrs = n.attrs;
  for (size_t i = 0; i < n.outputs_.size(); ++i) {
    const Value* out = n.outputs_[i];
    if (!out) continue;
    Value* co = c->outputs_[i];
    co->dtype = out->dtype;
    co->shape = out->shape;
    co->quant = out->quant;
  }
  return c;
}

void Graph::copy_model_info(const Graph& other) {
  name = other.name;
  opset_imports = other.opset_imports;
  ir_version = other.ir_version;
  producer_name = other.producer_name;
  limits = other.limits;
}

std::unique_ptr<Graph> Graph::clone() const {
  auto g = std::make_unique<Graph>();
  g->copy_model_info(*this);
  std::unordered_map<const Value*, Value*> map;
  for (const auto& v : values_) {
    Value* c = nullptr;
    if (v->is_graph_input_) continue;  // added below in input order
    if (v->is_constant()) c = g->add_constant(v->name, *v->constant_);
    if (c) {
      c->quant = v->quant;
      map[v.get()] = c;
    }
  }
  for (const Value* in : inputs_) {
    Value* c = g->add_input(in->name, in->dtype, in->shape.value_or(Shape{}));
    c->shape = in->shape;
    c->quant = in->quant;
    map[in] = c;
  }
  for (const Node* n : topological_order()) {
    std::vector<Value*> ins;
    for (const Value* in : n->inputs_) ins.push_back(in ? map.at(in) : nullptr);
    const Node* c = g->add_node_copy(*n, ins);
    for (size_t i = 0; i < n->outputs_.size(); ++i)
      if (n->outputs_[i]) map[n->outputs_[i]] = c->outputs_[i];
  }
  for (const Value* out : outputs_) g->add_output(map.at(out));
  return g;
}

}  // namespace tinyc::ir
