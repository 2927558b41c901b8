// Graph: owns nodes and values, and is the only way to change links between them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/limits.h"
#include "ir/node.h"
#include "ir/value.h"

namespace tinyc::ir {

// An SSA dataflow graph. Every mutation keeps use lists, producers and graph-output flags
// consistent, so verify() only ever finds bugs, never bookkeeping drift.
class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  std::string name;
  std::map<std::string, int64_t> opset_imports;  // domain ("" = ai.onnx) -> version
  int64_t ir_version = 8;
  std::string producer_name;
  Limits limits;  // what it was imported under; shape inference holds every value to them

  // --- construction ---
  Value* add_input(const std::string& name, DType dtype, Shape shape);
  Value* add_constant(const std::string& name, Tensor data);
  // Creates a node whose outputs are new values with the given names (""-named outputs are
  // omitted optional outputs and get no Value).
  Node* add_node(const std::string& op_type, const std::vector<Value*>& inputs,
                 const std::vector<std::string>& output_names, const std::string& node_name = "");
  void add_output(Value* v);
  // A copy of `n` (another graph's node) reading `inputs`: the same name, op, domain, attributes, and
  // outputs with the same names, dtypes, shapes and quantization.
  Node* add_node_copy(const Node& n, const std::vector<Value*>& inputs);
  // Takes `other`'s name, opset imports, IR version, producer and limits.
  void copy_model_info(const Graph& other);

  // --- mutation ---
  // Points slot `index` of `node` at `v` (nullptr = omitted); index == inputs().size() appends.
  void set_node_input(Node* node, size_t index, Value* v);
  // Drops trailing inputs beyond `count`.
  void truncate_node_inputs(Node* node, size_t count);
  // Replaces the data of a constant value; dtype and shape follow the new tensor.
  void set_constant(Value* v, Tensor data);
  // Redirects every use of `from` (and its graph-output slot) to `to`. When `from` is a graph
  // output, `to` takes over its name so the model's interface is unchanged. Throws InternalError
  // when that is impossible; ask can_replace_all_uses() first.
  void replace_all_uses(Value* from, Value* to);
  bool can_replace_all_uses(const Value* from, const Value* to) const;
  // Removes a node whose outputs have no users and are not graph outputs.
  void erase_node(Node* node);
  // Removes a value with no producer, no users, and no graph input/output role.
  void erase_value(Value* v);
  // Renames a value; the new name must be free.
  void rename_value(Value* v, const std::string& new_name);
  // Reorders the node list so producers come before users (stable); throws InputError on a cycle.
  void sort_topologically();

  // --- queries ---
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  // Producers before users, ties in storage order; throws InputError on a cycle.
  std::vector<Node*> topological_order() const;
  // Nodes in storage order (topological after import and sort_topologically()).
  std::vector<Node*> nodes() const;
  std::vector<Value*> values() const;
  std::vector<Value*> constants() const;
  size_t node_count() const { return nodes_.size(); }
  Value* find_value(const std::string& name) const;
  Node* find_node(const std::string& name) const;
  // A value/node name not yet in use, derived from `base`.
  std::string unique_value_name(const std::string& base) const;
  std::string unique_node_name(const std::string& base) const;

  // Deep copy (same names, same order).
  std::unique_ptr<Graph> clone() const;

 private:
  Value* new_value(const std::string& name);
  void remove_use(Value* v, Node* node, size_t index);

  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Value>> values_;
  std::unordered_map<std::string, Value*> value_by_name_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
};

}  // namespace tinyc::ir
