// Value: an SSA edge of the graph (graph input, constant, or one node output) with its users.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ir/dtype.h"
#include "ir/quant_params.h"
#include "ir/shape.h"
#include "ir/tensor.h"

namespace tinyc::ir {

class Node;
class Graph;

// One consumer slot: node->inputs()[input_index] is this value.
struct Use {
  Node* node;
  size_t input_index;
  bool operator==(const Use&) const = default;
};

// A value has exactly one definition: a graph input, constant data, or an output of one node.
// Type facts (dtype, shape, quant) are public; links are kept consistent by Graph's mutation API.
class Value {
 public:
  std::string name;
  DType dtype = DType::Undefined;
  std::optional<Shape> shape;  // empty until imported or inferred
  std::optional<QuantParams> quant;

  Node* producer() const { return producer_; }
  size_t producer_output_index() const { return producer_output_; }
  const std::vector<Use>& uses() const { return uses_; }
  bool is_constant() const { return constant_.has_value(); }
  // Precondition: is_constant().
  const Tensor& constant() const { return *constant_; }
  // Bytes the constant takes in a file: half a byte per value when its QuantParams say 4 bits.
  // Precondition: is_constant().
  size_t stored_bytes() const {
    return quant && quant->bits == 4 ? static_cast<size_t>(constant_->num_elements() + 1) / 2 : constant_->byte_size();
  }
  bool is_graph_input() const { return is_graph_input_; }
  bool is_graph_output() const { return is_graph_output_; }

 private:
  friend class Graph;
  explicit Value(std::string n) : name(std::move(n)) {}

  Node* producer_ = nullptr;
  size_t producer_output_ = 0;
  std::vector<Use> uses_;
  std::optional<Tensor> constant_;
  bool is_graph_input_ = false;
  bool is_graph_output_ = false;
};

}  // namespace tinyc::ir
