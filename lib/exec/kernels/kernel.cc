// PrepareContext helpers: slot access, static data, and errors that name the node.
#include "exec/kernels/kernel.h"

#include <algorithm>

#include "ir/value.h"

namespace tinyc::exec::kernels {

namespace {
const Slot kAbsent{};
}  // namespace

const Slot& PrepareContext::input(size_t i) const { return i < inputs.size() ? inputs[i] : kAbsent; }

const Slot& PrepareContext::output(size_t i) const { return i < outputs.size() ? outputs[i] : kAbsent; }

const Slot& PrepareContext::required_input(size_t i, const std::string& what) const {
  const Slot& s = input(i);
  if (!s.present) fail("input " + std::to_string(i) + " (" + what + ") is missing");
  return s;
}

std::vector<int64_t> PrepareContext::static_ints(size_t i, const std::string& what) const {
  const Slot& s = required_input(i, what);
  if (!s.data)
    fail(what + " '" + node.input(i)->name +
         "' depends on run-time data; tinyc needs it to be a constant or computable from shapes");
  if (!ir::is_integer(s.dtype) && s.dtype != ir::DType::Bool)
    fail(what + " must be an integer tensor, got " + std::string(ir::dtype_name(s.dtype)));
  return s.data->to_int64();
}

void PrepareContext::fail(const std::string& problem) const {
  throw InputError("node '" + node.name + "' (" + node.op_type + "): " + problem);
}

int64_t PrepareContext::normalize_axis(int64_t axis, int64_t rank) const {
  if (axis < -rank || axis >= rank)
    fail("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

void PrepareContext::require_dtype(size_t input_index, std::initializer_list<ir::DType> allowed) const {
  const Slot& s = required_input(input_index, "input");
  if (std::find(allowed.begin(), allowed.end(), s.dtype) == allowed.end())
    fail("input '" + node.input(input_index)->name + "' has dtype " + std::string(ir::dtype_name(s.dtype)) +
         ", which this kernel does not support");
}

void PrepareContext::require_same_dtype(size_t output_index, size_t input_index) const {
  if (output(output_index).dtype != input(input_index).dtype)
    throw InternalError("node '" + node.name + "' (" + node.op_type + "): output dtype " +
                        std::string(ir::dtype_name(output(output_index).dtype)) + " differs from input dtype " +
                        std::string(ir::dtype_name(input(input_index).dtype)));
}

void PrepareContext::require_rank_limit() const {
  for (const auto* slots : {&inputs, &outputs})
    for (const Slot& s : *slots)
      if (s.present && s.shape.size() > kMaxRank)
        fail("tensors of rank " + std::to_string(s.shape.size()) + " are not supported (at most " +
             std::to_string(kMaxRank) + ")");
}

}  // namespace tinyc::exec::kernels
