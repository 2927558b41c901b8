// Shape rules of Gemm and MatMul (numpy matmul: 1-D promotion, broadcast batch dims).
#include <string>

#include "exec/shape/broadcast.h"
#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

void infer_gemm(ShapeContext& ctx) {
  const ir::Shape& a = ctx.input_shape(0);
  const ir::Shape& b = ctx.input_shape(1);
  if (a.size() != 2 || b.size() != 2)
    ctx.fail("A and B must be matrices, got " + ir::shape_to_string(a) + " and " + ir::shape_to_string(b));
  const bool trans_a = ctx.node().attr_int("transA", 0) != 0;
  const bool trans_b = ctx.node().attr_int("transB", 0) != 0;
  const int64_t m = trans_a ? a[1] : a[0];
  const int64_t k = trans_a ? a[0] : a[1];
  const int64_t k_b = trans_b ? b[1] : b[0];
  const int64_t n = trans_b ? b[0] : b[1];
  if (k != k_b)
    ctx.fail("inner dims differ: A " + ir::shape_to_string(a) + (trans_a ? " (transposed)" : "") + " vs B " +
             ir::shape_to_string(b) + (trans_b ? " (transposed)" : ""));
  const ir::Shape out{m, n};
  if (ctx.has_input(2) && !broadcasts_to(ctx.input_shape(2), out))
    ctx.fail("C shape " + ir::shape_to_string(ctx.input_shape(2)) + " does not broadcast to " +
             ir::shape_to_string(out));
  ctx.set_output(0, ctx.input_dtype(0), out);
}

void infer_matmul(ShapeContext& ctx) {
  ir::Shape a = ctx.input_shape(0);
  ir::Shape b = ctx.input_shape(1);
  if (a.empty() || b.empty()) ctx.fail("operands must have rank >= 1, not scalars");
  const bool vector_a = a.size() == 1;
  const bool vector_b = b.size() == 1;
  // A 1-D operand is a row (A) or column (B) vector whose extra dim is dropped from the result.
  if (vector_a) a.insert(a.begin(), 1);
  if (vector_b) b.push_back(1);
  if (a[a.size() - 1] != b[b.size() - 2])
    ctx.fail("inner dims differ: " + ir::shape_to_string(ctx.input_shape(0)) + " x " +
             ir::shape_to_string(ctx.input_shape(1)));
  const auto batch = broadcast_shapes({a.begin(), a.end() - 2}, {b.begin(), b.end() - 2});
  if (!batch)
    ctx.fail("batch dims of " + ir::shape_to_string(ctx.input_shape(0)) + " and " +
             ir::shape_to_string(ctx.input_shape(1)) + " do not broadcast");
  ir::Shape out = *batch;
  if (!vector_a) out.push_back(a[a.size() - 2]);
  if (!vector_b) out.push_back(b.back());
  ctx.set_output(0, ctx.input_dtype(0), out);
}

}  // namespace tinyc::exec::shape
