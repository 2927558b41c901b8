// The contract between the shape-inference driver and the per-op rules: what a rule reads and writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir/error.h"
#include "ir/node.h"
#include "ir/value.h"

namespace tinyc::exec::shape {

// Elements of small integer tensors known before run time (shape computations), by value.
using KnownData = std::unordered_map<const ir::Value*, std::vector<int64_t>>;

// Integer tensors up to this many elements are tracked as known data; shape data is tiny.
inline constexpr int64_t kMaxKnownElements = 4096;
// True when a tensor of this shape is small enough to track as known data.
bool is_small(const ir::Shape& shape);
// The elements of an integer or bool tensor that is small enough to track; nullopt otherwise.
std::optional<std::vector<int64_t>> known_elements(const ir::Tensor& t);

// "node 'conv1' (Conv): <problem>", the one error format of shape inference.
InputError node_error(const ir::Node& node, const std::string& problem);

// "[1,-1,0]", for int lists in error messages.
std::string ints_to_string(const std::vector<int64_t>& values);

// One node under inference: its inputs' shapes, dtypes and known elements, its attributes and the
// opset, and write access to its outputs' dtype, shape and known elements. Errors name the node.
class ShapeContext {
 public:
  ShapeContext(const ir::Node& node, int64_t opset, KnownData& known) : node_(node), opset_(opset), known_(known) {}

  const ir::Node& node() const { return node_; }
  int64_t opset() const { return opset_; }

  // Inputs; slot i may be omitted (optional ONNX input). Accessors throw when input i is absent.
  bool has_input(size_t i) const { return node_.input(i) != nullptr; }
  const ir::Shape& input_shape(size_t i) const;
  int64_t input_rank(size_t i) const { return static_cast<int64_t>(input_shape(i).size()); }
  ir::DType input_dtype(size_t i) const;
  // The input's elements when they are known before run time (integer constants, shape math).
  std::optional<std::vector<int64_t>> input_data(size_t i) const;
  // Same, but a runtime-dependent input is an error; `what` names it ("target shape", "pads").
  std::vector<int64_t> require_input_data(size_t i, std::string_view what) const;
  // An int list that ONNX moved from attribute `name` to input `index` in opset `since`; nullopt
  // when absent. Using the form of the other opset range is an error.
  std::optional<std::vector<int64_t>> ints_attr_or_input(const std::string& name, size_t index,
                                                         int64_t since) const;

  // Outputs; setting an omitted optional output is a no-op.
  size_t output_count() const { return node_.outputs().size(); }
  void set_output(size_t i, ir::DType dtype, ir::Shape shape);
  // Records the elements of output i (set its shape first); ignored for non-integer or large outputs.
  void set_output_data(size_t i, std::vector<int64_t> data);
  // Output `out` holds input `in`'s elements unchanged (Identity, Reshape, Squeeze, ...).
  void forward_data(size_t in, size_t out);
  // Inputs i and j must share a dtype (ONNX type constraint T).
  void require_same_dtype(size_t i, size_t j) const;

  [[noreturn]] void fail(const std::string& problem) const { throw node_error(node_, problem); }
  // Maps axis in [-rank, rank) to [0, rank); `what` names it in the error ("axis", "axes").
  int64_t normalize_axis(int64_t axis, int64_t rank, std::string_view what = "axis") const;
  // Normalizes each entry against `rank`; a repeated axis is an error.
  std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank) const;

 private:
  const ir::Value& require_input(size_t i) const;

  const ir::Node& node_;
  int64_t opset_;
  KnownData& known_;
};

// Every op's rule has this signature; op_rules.def maps op types to rules.
using ShapeRule = void (*)(ShapeContext&);

}  // namespace tinyc::exec::shape
