// Shape rules of QuantizeLinear and DequantizeLinear in both forms: tinyc's quantized graph form
// (docs/ir.md: one input; scale and zero point live on the int8 value, so the quantized side is
// int8) and ONNX's (scale and zero-point inputs: the quantized side has the zero point's dtype,
// uint8 when it is omitted). The output has the input's shape.
#include <string>

#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

void infer_quantize_linear(ShapeContext& ctx) {
  if (ctx.input_dtype(0) != ir::DType::Float32)
    ctx.fail("input must be float32, got " + std::string(ir::dtype_name(ctx.input_dtype(0))));
  ir::DType quantized = ir::DType::Int8;
  if (ctx.has_input(1)) {
    if (ctx.node().attr_int("output_dtype", 0) != 0) ctx.fail("output_dtype is not supported; give a zero point");
    quantized = ctx.has_input(2) ? ctx.input_dtype(2) : ir::DType::UInt8;
  }
  ctx.set_output(0, quantized, ctx.input_shape(0));
}

void infer_dequantize_linear(ShapeContext& ctx) {
  const ir::DType in = ctx.input_dtype(0);
  const bool onnx_form = ctx.has_input(1);
  if (in != ir::DType::Int8 && !(onnx_form && (in == ir::DType::UInt8 || in == ir::DType::Int32)))
    ctx.fail("input must be int8" + std::string(onnx_form ? ", uint8 or int32" : "") + ", got " +
             std::string(ir::dtype_name(in)));
  ctx.set_output(0, ir::DType::Float32, ctx.input_shape(0));
}

}  // namespace tinyc::exec::shape
