// Shape rules of elementwise and per-channel ops: arithmetic with broadcasting, activations,
// Softmax, PRelu, BatchNormalization, Dropout.
#include <string>

#include "exec/shape/broadcast.h"
#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

namespace {

// Integer arithmetic on known shape data, as ONNX Add/Sub/Mul/Div define it for integers
// (division truncates); overflow is an error rather than undefined behaviour.
int64_t apply_arithmetic(const ShapeContext& ctx, int64_t a, int64_t b) {
  const std::string& op = ctx.node().op_type;
  int64_t r = 0;
  bool overflow = false;
  if (op == "Add") overflow = __builtin_add_overflow(a, b, &r);
  else if (op == "Sub") overflow = __builtin_sub_overflow(a, b, &r);
  else if (op == "Mul") overflow = __builtin_mul_overflow(a, b, &r);
  else if (b == 0) ctx.fail("integer division by zero in a shape computation");
  else if (b == -1) overflow = __builtin_mul_overflow(a, b, &r);
  else r = a / b;
  if (overflow) ctx.fail("integer overflow in a shape computation");
  return r;
}

}  // namespace

void infer_binary_arithmetic(ShapeContext& ctx) {
  ctx.require_same_dtype(0, 1);
  const ir::Shape& a = ctx.input_shape(0);
  const ir::Shape& b = ctx.input_shape(1);
  const auto out = broadcast_shapes(a, b);
  if (!out) ctx.fail("shapes " + ir::shape_to_string(a) + " and " + ir::shape_to_string(b) + " do not broadcast");
  ctx.set_output(0, ctx.input_dtype(0), *out);
  const auto da = ctx.input_data(0);
  const auto db = ctx.input_data(1);
  if (!da || !db || !ir::is_integer(ctx.input_dtype(0)) || !is_small(*out)) return;
  ctx.set_output_data(0, broadcast_elementwise(*da, a, *db, b, *out,
                                               [&](int64_t x, int64_t y) { return apply_arithmetic(ctx, x, y); }));
}

void infer_same_as_input(ShapeContext& ctx) { ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0)); }

void infer_softmax(ShapeContext& ctx) {
  const int64_t rank = ctx.input_rank(0);
  // Opset 13 changed the default axis (and the semantics) from 1 to -1.
  ctx.normalize_axis(ctx.node().attr_int("axis", ctx.opset() >= 13 ? -1 : 1), rank);
  infer_same_as_input(ctx);
}

void infer_prelu(ShapeContext& ctx) {
  ctx.require_same_dtype(0, 1);
  const ir::Shape& x = ctx.input_shape(0);
  const ir::Shape& slope = ctx.input_shape(1);
  if (!broadcasts_to(slope, x))
    ctx.fail("slope shape " + ir::shape_to_string(slope) + " does not broadcast to input shape " +
             ir::shape_to_string(x));
  infer_same_as_input(ctx);
}

void infer_batch_normalization(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  if (x.size() < 2) ctx.fail("input must have rank >= 2 (N x C x ...), got " + ir::shape_to_string(x));
  const ir::Shape channels{x[1]};
  // Opsets before 9 allow per-element statistics of shape C x D1 x ... with spatial=0.
  const ir::Shape per_element(x.begin() + 1, x.end());
  const bool spatial = ctx.node().attr_int("spatial", 1) != 0;
  const char* names[] = {"scale", "B", "mean", "var"};
  for (size_t i = 1; i <= 4; ++i) {
    const ir::Shape& p = ctx.input_shape(i);
    if (p != channels && (spatial || p != per_element))
      ctx.fail(std::string(names[i - 1]) + " has shape " + ir::shape_to_string(p) + ", expected " +
               ir::shape_to_string(channels) + " (one per channel)");
  }
  ctx.set_output(0, ctx.input_dtype(0), x);
  // Training outputs (running mean/var; opsets before 14 also saved mean/var) are per channel.
  for (size_t i = 1; i < ctx.output_count(); ++i) ctx.set_output(i, ctx.input_dtype(3), ctx.input_shape(3));
}

void infer_dropout(ShapeContext& ctx) {
  infer_same_as_input(ctx);
  // The mask became bool in opset 10; before, it had the input's type.
  ctx.set_output(1, ctx.opset() >= 10 ? ir::DType::Bool : ctx.input_dtype(0), ctx.input_shape(0));
}

}  // namespace tinyc::exec::shape
