// A tiny graph builder for shape-inference tests: generated value names, one call per node.
#pragma once

#include <string>
#include <vector>

#include "exec/shape_inference.h"
#include "ir/graph.h"

namespace tinyc::shape_test {

// Int-list attributes (strides, pads, perm, axes).
using Ints = std::vector<int64_t>;

// A graph at one opset; values are named v0, v1, ... and nodes after their op type.
class TestGraph {
 public:
  explicit TestGraph(int64_t opset) { g.opset_imports[""] = opset; }

  ir::Value* input(ir::Shape shape, ir::DType dtype = ir::DType::Float32) {
    return g.add_input(next_name(), dtype, std::move(shape));
  }
  // A float constant of the given shape (weights, biases): only its shape matters here.
  ir::Value* weights(ir::Shape shape) { return g.add_constant(next_name(), ir::Tensor(ir::DType::Float32, shape)); }
  // A 1-D int64 constant (shapes, axes, pads, indices).
  ir::Value* ints(const std::vector<int64_t>& values) {
    return g.add_constant(next_name(),
                          ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values));
  }
  ir::Node* node(const std::string& op, const std::vector<ir::Value*>& inputs, ir::Attributes attrs = {},
                 size_t outputs = 1) {
    std::vector<std::string> names;
    for (size_t i = 0; i < outputs; ++i) names.push_back(next_name());
    ir::Node* n = g.add_node(op, inputs, names, op + "_" + std::to_string(g.node_count()));
    n->attrs = std::move(attrs);
    return n;
  }
  void infer() { exec::infer_shapes(g); }

  ir::Graph g;

 private:
  std::string next_name() { return "v" + std::to_string(count_++); }
  int count_ = 0;
};

// The inferred shape of output i of n; an empty optional shows up as {-1} so failures read clearly.
inline ir::Shape shape_of(const ir::Node* n, size_t i = 0) {
  const ir::Value* v = n->output(i);
  return v && v->shape ? *v->shape : ir::Shape{-1};
}

inline ir::DType out_dtype(const ir::Node* n, size_t i = 0) { return n->output(i)->dtype; }

}  // namespace tinyc::shape_test
