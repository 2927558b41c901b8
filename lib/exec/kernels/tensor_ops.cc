// Kernels whose output needs no arithmetic: the reshaping family (Identity, Flatten, Reshape,
// Squeeze, Unsqueeze: same elements, new shape), Dropout at inference (identity, mask all true),
// Constant (the attribute's tensor) and Shape (the input's dims, sliced by start/end).
#include <algorithm>
#include <cstring>

#include "exec/kernels/factories.h"
#include "exec/shape/slicing.h"

namespace tinyc::exec::kernels {

namespace {

void check_same_elements(const PrepareContext& ctx) {
  const Slot& x = ctx.required_input(0, "data");
  const Slot& y = ctx.output(0);
  if (y.dtype != x.dtype || y.count() != x.count())
    throw InternalError(ctx.node.op_type + " '" + ctx.node.name + "': output " + std::string(ir::dtype_name(y.dtype)) +
                        " " + ir::shape_to_string(y.shape) + " does not hold the input's elements");
}

class CopyKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    check_same_elements(ctx);
    bytes_ = static_cast<size_t>(ctx.input(0).count()) * ir::dtype_size(ctx.input(0).dtype);
  }

  void eval(const EvalArgs& args) const override {
    if (bytes_ && args.outputs[0] != args.inputs[0]) std::memcpy(args.outputs[0], args.inputs[0], bytes_);
  }

 private:
  size_t bytes_ = 0;
};

// Opset 12+ can switch training on through input 2; random dropping is never supported.
class DropoutKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    check_same_elements(ctx);
    if (ctx.opset >= 12 && ctx.input(2).present) {
      const std::vector<int64_t> training = ctx.static_ints(2, "training_mode");
      if (!training.empty() && training[0] != 0)
        ctx.fail("training-mode Dropout is not supported; export the model for inference");
    }
    bytes_ = static_cast<size_t>(ctx.input(0).count()) * ir::dtype_size(ctx.input(0).dtype);
    const Slot& mask = ctx.output(1);
    if (mask.present && mask.dtype != ir::DType::Bool)
      throw InternalError("Dropout '" + ctx.node.name + "': mask output is not bool");
    mask_count_ = mask.present ? static_cast<size_t>(mask.count()) : 0;
  }

  void eval(const EvalArgs& args) const override {
    if (bytes_ && args.outputs[0] != args.inputs[0]) std::memcpy(args.outputs[0], args.inputs[0], bytes_);
    if (mask_count_) std::fill_n(static_cast<bool*>(args.outputs[1]), mask_count_, true);
  }

 private:
  size_t bytes_ = 0;
  size_t mask_count_ = 0;
};

// The attribute forms of Constant, converted to one tensor.
ir::Tensor constant_value(const PrepareContext& ctx) {
  const ir::Node& n = ctx.node;
  if (n.has_attr("value")) return n.attr_tensor("value");
  if (n.has_attr("value_float")) return ir::Tensor::scalar<float>(n.attr_float("value_float", 0));
  if (n.has_attr("value_int")) return ir::Tensor::scalar<int64_t>(n.attr_int("value_int", 0));
  if (n.has_attr("value_floats")) {
    const std::vector<float> v = n.attr_floats("value_floats", {});
    return ir::Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v);
  }
  if (n.has_attr("value_ints")) {
    const std::vector<int64_t> v = n.attr_ints("value_ints", {});
    return ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v);
  }
  ctx.fail("needs a value, value_float(s) or value_int(s) attribute (strings and sparse values are not supported)");
}

class ConstantKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    value_ = constant_value(ctx);
    if (value_.dtype() == ir::DType::String) ctx.fail("string constants are not supported");
    if (value_.dtype() != ctx.output(0).dtype || value_.shape() != ctx.output(0).shape)
      throw InternalError("Constant '" + ctx.node.name + "': output type differs from its value");
  }

  void eval(const EvalArgs& args) const override {
    if (value_.byte_size()) std::memcpy(args.outputs[0], value_.bytes().data(), value_.byte_size());
  }

 private:
  ir::Tensor value_;
};

// Opset 15 added start/end: a slice of the dims, clamped like Python slicing (shape::resolve_shape_range).
class ShapeKernel final : public Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    const ir::Shape& dims = ctx.required_input(0, "data").shape;
    const shape::DimRange range = shape::resolve_shape_range(ctx.node, static_cast<int64_t>(dims.size()));
    dims_.assign(dims.begin() + range.first, dims.begin() + range.last);
    if (ctx.output(0).dtype != ir::DType::Int64 || ctx.output(0).count() != static_cast<int64_t>(dims_.size()))
      throw InternalError("Shape '" + ctx.node.name + "': output is not int64 of " + std::to_string(dims_.size()) +
                          " elements");
  }

  void eval(const EvalArgs& args) const override {
    std::copy(dims_.begin(), dims_.end(), static_cast<int64_t*>(args.outputs[0]));
  }

 private:
  std::vector<int64_t> dims_;
};

}  // namespace

std::unique_ptr<Kernel> make_copy() { return std::make_unique<CopyKernel>(); }
std::unique_ptr<Kernel> make_dropout() { return std::make_unique<DropoutKernel>(); }
std::unique_ptr<Kernel> make_constant() { return std::make_unique<ConstantKernel>(); }
std::unique_ptr<Kernel> make_shape() { return std::make_unique<ShapeKernel>(); }

}  // namespace tinyc::exec::kernels
