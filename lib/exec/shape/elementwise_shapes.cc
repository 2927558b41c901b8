// Shape rules of elementwise and per-channel ops: arithmetic with broadcasting (binary and
// variadic), activations and unary math, Softmax, PRelu, BatchNormalization, Dropout.
#include <string>

#include "exec/shape/broadcast.h"
#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

void infer_binary_arithmetic(ShapeContext& ctx) {
  ctx.require_same_dtype(0, 1);
  const ir::Shape& a = ctx.input_shape(0);
  const ir::Shape b = legacy_operand_shape(ctx.node(), ctx.opset(), a, ctx.input_shape(1));
  const auto out = broadcast_shapes(a, b);
  if (!out)
    ctx.fail("shapes " + ir::shape_to_string(a) + " and " + ir::shape_to_string(ctx.input_shape(1)) +
             " do not broadcast");
  ctx.set_output(0, ctx.input_dtype(0), *out);
}

// Pow broadcasts as the arithmetic ops do, but its exponent may have another dtype; the result has X's.
void infer_pow(ShapeContext& ctx) {
  const ir::Shape& a = ctx.input_shape(0);
  const auto out = broadcast_shapes(a, ctx.input_shape(1));
  if (!out)
    ctx.fail("shapes " + ir::shape_to_string(a) + " and " + ir::shape_to_string(ctx.input_shape(1)) + " do not broadcast");
  ctx.set_output(0, ctx.input_dtype(0), *out);
}

void infer_variadic(ShapeContext& ctx) {
  const size_t n = ctx.node().inputs().size();
  if (n == 0) ctx.fail("needs at least one input");
  ir::Shape out = ctx.input_shape(0);
  for (size_t i = 1; i < n; ++i) {
    ctx.require_same_dtype(0, i);
    const auto joined = broadcast_shapes(out, ctx.input_shape(i));
    if (!joined)
      ctx.fail("input shape " + ir::shape_to_string(ctx.input_shape(i)) + " does not broadcast with " +
               ir::shape_to_string(out));
    out = *joined;
  }
  ctx.set_output(0, ctx.input_dtype(0), out);
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
  if (!broadcasts_to(prelu_slope_shape(ctx.opset(), x, slope), x))
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

// Y has X's shape; the optional Mean and InvStdDev keep the dims before `axis` and are 1 from it on.
void infer_layer_normalization(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const int64_t axis = ctx.normalize_axis(ctx.node().attr_int("axis", -1), static_cast<int64_t>(x.size()));
  const ir::Shape normalized(x.begin() + axis, x.end());
  for (size_t i = 1; i <= 2 && ctx.has_input(i); ++i) {
    const ir::Shape& p = ctx.input_shape(i);
    bool broadcasts = p.size() <= normalized.size();
    for (size_t k = 0; broadcasts && k < p.size(); ++k) {
      const int64_t target = normalized[normalized.size() - p.size() + k];
      broadcasts = p[k] == 1 || p[k] == target;
    }
    if (!broadcasts)
      ctx.fail(std::string(i == 1 ? "Scale" : "B") + " has shape " + ir::shape_to_string(p) +
               ", which does not broadcast to the normalized dims " + ir::shape_to_string(normalized));
  }
  ctx.set_output(0, ctx.input_dtype(0), x);
  ir::Shape statistics = x;
  for (size_t d = static_cast<size_t>(axis); d < statistics.size(); ++d) statistics[d] = 1;
  for (size_t i = 1; i < ctx.output_count(); ++i) ctx.set_output(i, ir::DType::Float32, statistics);
}

void infer_dropout(ShapeContext& ctx) {
  infer_same_as_input(ctx);
  // The mask became bool in opset 10; before, it had the input's type.
  ctx.set_output(1, ctx.opset() >= 10 ? ir::DType::Bool : ctx.input_dtype(0), ctx.input_shape(0));
}

}  // namespace tinyc::exec::shape
