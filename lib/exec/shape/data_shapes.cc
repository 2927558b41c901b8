// Shape rules of ops that create or retype data: Constant, Shape, Cast (all feed shape math).
#include <string>

#include "exec/shape/rules.h"
#include "exec/shape/slicing.h"
#include "ir/onnx_dtype_codes.h"

namespace tinyc::exec::shape {

namespace {

// The one value attribute a Constant carries, as a tensor type (dtype, shape).
void infer_constant_from(ShapeContext& ctx, const std::string& key) {
  const ir::Node& n = ctx.node();
  if (key == "value") {
    const ir::Tensor& t = n.attr_tensor("value");
    ctx.set_output(0, t.dtype(), t.shape());
  } else if (key == "value_int") {
    ctx.set_output(0, ir::DType::Int64, {});
  } else if (key == "value_ints") {
    ctx.set_output(0, ir::DType::Int64, {static_cast<int64_t>(n.attr_ints(key, {}).size())});
  } else if (key == "value_float") {
    ctx.set_output(0, ir::DType::Float32, {});
  } else if (key == "value_floats") {
    ctx.set_output(0, ir::DType::Float32, {static_cast<int64_t>(n.attr_floats(key, {}).size())});
  } else if (key == "value_string") {
    ctx.set_output(0, ir::DType::String, {});
  } else if (key == "value_strings") {
    const auto* strings = std::get_if<std::vector<std::string>>(&n.attrs.at(key));
    if (!strings) ctx.fail("attribute 'value_strings' should be a list of strings");
    ctx.set_output(0, ir::DType::String, {static_cast<int64_t>(strings->size())});
  } else {
    ctx.fail("attribute '" + key + "' is not supported (tinyc reads value, value_int(s), value_float(s), "
             "value_string(s))");
  }
}

}  // namespace

void infer_constant(ShapeContext& ctx) {
  if (ctx.node().attrs.size() != 1)
    ctx.fail("needs exactly one value attribute, got " + std::to_string(ctx.node().attrs.size()));
  infer_constant_from(ctx, ctx.node().attrs.begin()->first);
}

void infer_shape(ShapeContext& ctx) {
  const DimRange dims = resolve_shape_range(ctx.node(), ctx.input_rank(0));
  ctx.set_output(0, ir::DType::Int64, {dims.last - dims.first});
}

void infer_cast(ShapeContext& ctx) {
  if (!ctx.node().has_attr("to")) ctx.fail("the 'to' attribute is required");
  const int64_t code = ctx.node().attr_int("to", 0);
  const auto to = ir::dtype_from_onnx_code(code);
  if (!to) ctx.fail("cannot cast to ONNX data type " + std::to_string(code) + "; tinyc does not hold that type");
  ctx.set_output(0, *to, ctx.input_shape(0));
}

}  // namespace tinyc::exec::shape
