// Slot checks and fused-activation bounds shared by the int8 kernel adapters.
#include "exec/int8_adapters/int8_kernel.h"

#include <limits>

namespace tinyc::exec::int8_adapters {

namespace {

[[noreturn]] void fail_no_quant(const PrepareContext& ctx, const ir::Value& v, const std::string& what) {
  ctx.fail(what + " '" + v.name +
           "' has no quantization parameters (scale, zero point); quantize the graph with quantize_int8 "
           "or give the value its parameters");
}

}  // namespace

const ir::QuantParams& input_quant(const PrepareContext& ctx, size_t i, const std::string& what) {
  const Slot& s = ctx.required_input(i, what);
  if (!s.quant) fail_no_quant(ctx, *ctx.node.input(i), what);
  return *s.quant;
}

const ir::QuantParams& int8_input(const PrepareContext& ctx, size_t i, const std::string& what) {
  const Slot& s = ctx.required_input(i, what);
  if (s.dtype != ir::DType::Int8)
    ctx.fail(what + " '" + ctx.node.input(i)->name + "' is " + std::string(ir::dtype_name(s.dtype)) +
             "; the int8 kernel needs an int8 tensor with quantization parameters");
  return input_quant(ctx, i, what);
}

const ir::QuantParams& int8_output(const PrepareContext& ctx, size_t i) {
  const Slot& s = ctx.output(i);
  const ir::Value* v = ctx.node.output(i);
  if (!s.present || !v) ctx.fail("output " + std::to_string(i) + " is missing");
  if (s.dtype != ir::DType::Int8)
    throw InternalError("node '" + ctx.node.name + "' (" + ctx.node.op_type + "): output '" + v->name + "' is " +
                        std::string(ir::dtype_name(s.dtype)) + ", not int8");
  if (!s.quant) fail_no_quant(ctx, *v, "output");
  return *s.quant;
}

void require_same_params(const PrepareContext& ctx, const ir::QuantParams& input, const ir::QuantParams& output) {
  const int8_reference::AffineParams in = named(ctx, [&] { return int8_reference::per_tensor(input, "input"); });
  const int8_reference::AffineParams out = named(ctx, [&] { return int8_reference::per_tensor(output, "output"); });
  if (!(in == out))
    ctx.fail("input and output must share scale and zero point (the int8 kernel moves raw values); give output '" +
             ctx.node.output(0)->name + "' the parameters of input '" + ctx.node.input(0)->name + "'");
}

int8_reference::ActivationBounds fused_activation(const ir::Node& node) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  return {node.attr_float("activation_min", -kInf), node.attr_float("activation_max", kInf)};
}

void require_output_count(const PrepareContext& ctx, int64_t count) {
  if (ctx.output(0).count() != count)
    throw InternalError("node '" + ctx.node.name + "' (" + ctx.node.op_type + "): output shape " +
                        ir::shape_to_string(ctx.output(0).shape) + " does not hold the " + std::to_string(count) +
                        " elements the int8 kernel computes");
}

}  // namespace tinyc::exec::int8_adapters
