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
#include "ir/tensor.h"
#include "ir/value.h"

namespace tinyc::exec::shape {

// Small integer tensors known before run time (shape computations), computed by the float
// executor's kernels as inference walks the graph (exec::infer_shapes).
using KnownData = std::unordered_map<const ir::Value*, ir::Tensor>;

// Integer tensors up to this many elements are tracked as known data; shape data is tiny.
inline constexpr int64_t kMaxKnownElements = 4096;
// True when values of this type are tracked as known data: integer or bool, at most kMaxKnownElements.
bool is_tracked(ir::DType dtype, const ir::Shape& shape);
// The elements of a tensor whose type is tracked; nullopt otherwise.
std::optional<std::vector<int64_t>> known_elements(const ir::Tensor& t);

// "node 'conv1' (Conv): <problem>", the one error format of shape inference.
InputError node_error(const ir::Node& node, const std::string& problem);

// "[1,-1,0]", for int lists in error messages.
std::string ints_to_string(const std::vector<int64_t>& values);

// Maps axis in [-rank, rank) to [0, rank); out of range is a node_error; `what` names it ("axis", "axes entry").
int64_t normalize_axis(const ir::Node& node, int64_t axis, int64_t rank, std::string_view what = "axis");
// Normalizes each entry against `rank`; a repeated axis is a node_error too.
std::vector<int64_t> normalize_axes(const ir::Node& node, const std::vector<int64_t>& axes, int64_t rank);

// One node under inference: its inputs' shapes, dtypes and known elements, its attributes and the
// opset, and write access to its outputs' dtype and shape. Errors name the node.
class ShapeContext {
 public:
  ShapeContext(const ir::Node& node, int64_t opset, const KnownData& known)
      : node_(node), opset_(opset), known_(known) {}

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
  const KnownData& known_;
};

// Every op's rule has this signature; op_rules.def maps op types to rules.
using ShapeRule = void (*)(ShapeContext&);

}  // namespace tinyc::exec::shape
