// ShapeContext (input access, known data), axis normalization and the node-naming errors.
#include "exec/shape/shape_rule.h"

#include <set>

#include "ir/dtype.h"
#include "ir/shape.h"

namespace tinyc::exec::shape {

InputError node_error(const ir::Node& node, const std::string& problem) {
  return InputError("node '" + node.name + "' (" + node.op_type + "): " + problem);
}

bool is_tracked(ir::DType dtype, const ir::Shape& shape) {
  return (ir::is_integer(dtype) || dtype == ir::DType::Bool) && ir::num_elements(shape) <= kMaxKnownElements;
}

std::optional<std::vector<int64_t>> known_elements(const ir::Tensor& t) {
  if (!is_tracked(t.dtype(), t.shape())) return std::nullopt;
  return t.to_int64();
}

std::string ints_to_string(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + std::to_string(values[i]);
  return s + "]";
}

int64_t normalize_axis(const ir::Node& node, int64_t axis, int64_t rank, std::string_view what) {
  if (axis < -rank || axis >= rank)
    throw node_error(node, std::string(what) + " " + std::to_string(axis) + " is out of range for rank " +
                               std::to_string(rank) + " (valid: " + std::to_string(-rank) + ".." +
                               std::to_string(rank - 1) + ")");
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> normalize_axes(const ir::Node& node, const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<int64_t> out;
  for (int64_t a : axes) out.push_back(normalize_axis(node, a, rank, "axes entry"));
  if (std::set<int64_t>(out.begin(), out.end()).size() != out.size())
    throw node_error(node, "axes " + ints_to_string(axes) + " repeat an axis");
  return out;
}

const ir::Value& ShapeContext::require_input(size_t i) const {
  const ir::Value* v = node_.input(i);
  if (!v) fail("input " + std::to_string(i) + " is missing");
  return *v;
}

const ir::Shape& ShapeContext::input_shape(size_t i) const {
  const ir::Value& v = require_input(i);
  if (!v.shape) fail("input '" + v.name + "' has no known shape");
  return *v.shape;
}

ir::DType ShapeContext::input_dtype(size_t i) const { return require_input(i).dtype; }

std::optional<std::vector<int64_t>> ShapeContext::input_data(size_t i) const {
  const ir::Value& v = require_input(i);
  if (auto it = known_.find(&v); it != known_.end()) return it->second.to_int64();
  if (v.is_constant()) return known_elements(v.constant());
  return std::nullopt;
}

std::vector<int64_t> ShapeContext::require_input_data(size_t i, std::string_view what) const {
  if (auto data = input_data(i)) return *data;
  const ir::Value& v = require_input(i);
  if (v.is_constant())
    fail(std::string(what) + " '" + v.name + "' must be an integer tensor of at most " +
         std::to_string(kMaxKnownElements) + " elements, got " + std::string(ir::dtype_name(v.dtype)) + " " +
         ir::shape_to_string(v.constant().shape()));
  fail(std::string(what) + " '" + v.name +
       "' depends on runtime data; tinyc needs static shapes (fix the input shapes or fold it to a constant)");
}

std::optional<std::vector<int64_t>> ShapeContext::ints_attr_or_input(const std::string& name, size_t index,
                                                                     int64_t since) const {
  const std::string model_opset = " (model uses opset " + std::to_string(opset_) + ")";
  if (opset_ >= since) {
    if (node_.has_attr(name))
      fail(name + " is an input, not an attribute, since opset " + std::to_string(since) + model_opset);
    if (!has_input(index)) return std::nullopt;
    return require_input_data(index, name);
  }
  if (has_input(index))
    fail(name + " is an attribute, not an input, before opset " + std::to_string(since) + model_opset);
  if (!node_.has_attr(name)) return std::nullopt;
  return node_.attr_ints(name, {});
}

void ShapeContext::set_output(size_t i, ir::DType dtype, ir::Shape shape) {
  ir::Value* v = node_.output(i);
  if (!v) return;
  for (int64_t d : shape)
    if (d < 0) fail("computed a negative dimension for output '" + v->name + "': " + ir::shape_to_string(shape));
  v->dtype = dtype;
  v->shape = std::move(shape);
}

void ShapeContext::require_same_dtype(size_t i, size_t j) const {
  if (input_dtype(i) != input_dtype(j))
    fail("inputs '" + node_.input(i)->name + "' (" + std::string(ir::dtype_name(input_dtype(i))) + ") and '" +
         node_.input(j)->name + "' (" + std::string(ir::dtype_name(input_dtype(j))) + ") must have the same dtype");
}

int64_t ShapeContext::normalize_axis(int64_t axis, int64_t rank, std::string_view what) const {
  return shape::normalize_axis(node_, axis, rank, what);
}

std::vector<int64_t> ShapeContext::normalize_axes(const std::vector<int64_t>& axes, int64_t rank) const {
  return shape::normalize_axes(node_, axes, rank);
}

}  // namespace tinyc::exec::shape
