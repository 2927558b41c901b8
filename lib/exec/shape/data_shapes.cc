// Shape rules of ops that create or retype data: Constant, Shape, Cast, Identity (all feed shape math).
#include <algorithm>
#include <string>

#include "exec/shape/onnx_dtype.h"
#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

namespace {

// `v` converted to integer type `t` with two's-complement wrap-around, as a C cast does.
int64_t wrap_to(ir::DType t, int64_t v) {
  switch (t) {
    case ir::DType::Int8: return static_cast<int8_t>(v);
    case ir::DType::UInt8: return static_cast<uint8_t>(v);
    case ir::DType::Int16: return static_cast<int16_t>(v);
    case ir::DType::UInt16: return static_cast<uint16_t>(v);
    case ir::DType::Int32: return static_cast<int32_t>(v);
    case ir::DType::UInt32: return static_cast<uint32_t>(v);
    case ir::DType::Bool: return v != 0;
    default: return v;
  }
}

// The one value attribute a Constant carries, as a tensor type (dtype, shape) plus known integers.
void infer_constant_from(ShapeContext& ctx, const std::string& key) {
  const ir::Node& n = ctx.node();
  if (key == "value") {
    const ir::Tensor& t = n.attr_tensor("value");
    ctx.set_output(0, t.dtype(), t.shape());
    if (auto data = known_elements(t)) ctx.set_output_data(0, std::move(*data));
  } else if (key == "value_int") {
    ctx.set_output(0, ir::DType::Int64, {});
    ctx.set_output_data(0, {n.attr_int(key, 0)});
  } else if (key == "value_ints") {
    std::vector<int64_t> values = n.attr_ints(key, {});
    ctx.set_output(0, ir::DType::Int64, {static_cast<int64_t>(values.size())});
    ctx.set_output_data(0, std::move(values));
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
  const ir::Shape& x = ctx.input_shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  // start/end (opset 15) clamp to [0, rank] after counting negatives from the end.
  auto clamp = [&](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank); };
  const int64_t start = clamp(ctx.node().attr_int("start", 0));
  const int64_t end = std::max(start, clamp(ctx.node().attr_int("end", rank)));
  ctx.set_output(0, ir::DType::Int64, {end - start});
  ctx.set_output_data(0, {x.begin() + start, x.begin() + end});
}

void infer_cast(ShapeContext& ctx) {
  if (!ctx.node().has_attr("to")) ctx.fail("the 'to' attribute is required");
  const int64_t code = ctx.node().attr_int("to", 0);
  const auto to = dtype_from_onnx_code(code);
  if (!to) ctx.fail("cannot cast to ONNX data type " + std::to_string(code) + "; tinyc does not hold that type");
  ctx.set_output(0, *to, ctx.input_shape(0));
  auto data = ctx.input_data(0);
  if (!data) return;
  for (int64_t& v : *data) v = wrap_to(*to, v);
  ctx.set_output_data(0, std::move(*data));
}

void infer_identity(ShapeContext& ctx) {
  infer_same_as_input(ctx);
  ctx.forward_data(0, 0);
}

}  // namespace tinyc::exec::shape
