// Node: one operator application, with ONNX op names and attribute semantics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/attribute.h"

namespace tinyc::ir {

class Value;
class Graph;

// Inputs may hold nullptr for an omitted optional ONNX input (e.g. Clip without min).
// Links are changed only through Graph so use lists stay consistent.
class Node {
 public:
  std::string name;
  std::string op_type;
  std::string domain;  // "" is the default ONNX domain
  Attributes attrs;

  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  // nullptr when the input is absent or omitted.
  Value* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  Value* output(size_t i) const { return i < outputs_.size() ? outputs_[i] : nullptr; }

  bool has_attr(const std::string& key) const { return attrs.count(key) != 0; }
  // Typed getters; a present attribute of the wrong kind is an InputError naming the node.
  int64_t attr_int(const std::string& key, int64_t fallback) const;
  float attr_float(const std::string& key, float fallback) const;
  std::string attr_string(const std::string& key, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const std::string& key, const std::vector<int64_t>& fallback) const;
  std::vector<float> attr_floats(const std::string& key, const std::vector<float>& fallback) const;
  std::vector<std::string> attr_strings(const std::string& key, const std::vector<std::string>& fallback) const;
  // Precondition: has_attr(key) holding a Tensor.
  const Tensor& attr_tensor(const std::string& key) const;

 private:
  friend class Graph;
  Node() = default;

  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
};

}  // namespace tinyc::ir
