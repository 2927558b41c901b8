// Shape rules of ops that only rearrange dims: Reshape, Flatten, Transpose, Squeeze, Unsqueeze.
#include <algorithm>
#include <string>

#include "exec/shape/rules.h"

namespace tinyc::exec::shape {

namespace {

// Resolves a Reshape target: 0 copies the input dim (unless allowzero), -1 takes the remainder.
ir::Shape resolve_target(const ShapeContext& ctx, const ir::Shape& in, const std::vector<int64_t>& target,
                         bool allow_zero) {
  ir::Shape out;
  int64_t inferred = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    const int64_t t = target[i];
    if (t == -1) {
      if (inferred >= 0) ctx.fail("target shape " + ints_to_string(target) + " has more than one -1");
      inferred = static_cast<int64_t>(i);
      out.push_back(1);
    } else if (t == 0 && !allow_zero) {
      if (i >= in.size())
        ctx.fail("target shape " + ints_to_string(target) + " copies dim " + std::to_string(i) +
                 " (0) but the input " + ir::shape_to_string(in) + " has no such dim");
      out.push_back(in[i]);
    } else if (t < 0) {
      ctx.fail("target shape " + ints_to_string(target) + " has invalid dim " + std::to_string(t));
    } else {
      out.push_back(t);
    }
  }
  const int64_t total = ir::num_elements(in);
  if (inferred >= 0) {
    const int64_t rest = ir::num_elements(out);
    if (rest == 0 || total % rest != 0)
      ctx.fail("cannot infer the -1 in target shape " + ints_to_string(target) + " for input " +
               ir::shape_to_string(in) + " (" + std::to_string(total) + " elements)");
    out[static_cast<size_t>(inferred)] = total / rest;
  }
  if (ir::num_elements(out) != total)
    ctx.fail("cannot reshape " + ir::shape_to_string(in) + " (" + std::to_string(total) + " elements) to " +
             ir::shape_to_string(out) + " (" + std::to_string(ir::num_elements(out)) + " elements)");
  return out;
}

}  // namespace

void infer_reshape(ShapeContext& ctx) {
  // Opsets before 5 carry the target as an attribute.
  if (ctx.opset() >= 5 && ctx.input_rank(1) != 1)
    ctx.fail("target shape must be 1-D, got " + ir::shape_to_string(ctx.input_shape(1)));
  const std::vector<int64_t> target =
      ctx.opset() < 5 ? ctx.node().attr_ints("shape", {}) : ctx.require_input_data(1, "target shape");
  const bool allow_zero = ctx.opset() >= 14 && ctx.node().attr_int("allowzero", 0) != 0;
  if (allow_zero && std::count(target.begin(), target.end(), 0) && std::count(target.begin(), target.end(), -1))
    ctx.fail("target shape " + ints_to_string(target) + " mixes 0 and -1 with allowzero=1");
  ctx.set_output(0, ctx.input_dtype(0), resolve_target(ctx, ctx.input_shape(0), target, allow_zero));
}

void infer_flatten(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  // Axis is in [-rank, rank]: rank itself puts everything in the outer dim.
  int64_t axis = ctx.node().attr_int("axis", 1);
  if (axis < -rank || axis > rank)
    ctx.fail("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank) + " (valid: " +
             std::to_string(-rank) + ".." + std::to_string(rank) + ")");
  if (axis < 0) axis += rank;
  const int64_t outer = ir::num_elements({x.begin(), x.begin() + axis});
  const int64_t inner = ir::num_elements({x.begin() + axis, x.end()});
  ctx.set_output(0, ctx.input_dtype(0), {outer, inner});
}

void infer_transpose(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  std::vector<int64_t> perm(x.size());
  for (int64_t i = 0; i < rank; ++i) perm[static_cast<size_t>(i)] = rank - 1 - i;
  perm = ctx.node().attr_ints("perm", perm);
  if (static_cast<int64_t>(perm.size()) != rank)
    ctx.fail("perm " + ints_to_string(perm) + " does not have one entry per input dim (rank " +
             std::to_string(rank) + ")");
  ir::Shape out;
  for (int64_t p : ctx.normalize_axes(perm, rank)) out.push_back(x[static_cast<size_t>(p)]);
  ctx.set_output(0, ctx.input_dtype(0), out);
}

void infer_squeeze(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  const auto axes_given = ctx.ints_attr_or_input("axes", 1, 13);
  std::vector<bool> drop(x.size(), false);
  if (!axes_given) {
    for (size_t i = 0; i < x.size(); ++i) drop[i] = x[i] == 1;
  } else {
    for (int64_t a : ctx.normalize_axes(*axes_given, rank)) {
      if (x[static_cast<size_t>(a)] != 1)
        ctx.fail("cannot squeeze axis " + std::to_string(a) + " of " + ir::shape_to_string(x) + ": its size is not 1");
      drop[static_cast<size_t>(a)] = true;
    }
  }
  ir::Shape out;
  for (size_t i = 0; i < x.size(); ++i)
    if (!drop[i]) out.push_back(x[i]);
  ctx.set_output(0, ctx.input_dtype(0), out);
}

void infer_unsqueeze(ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const auto axes_given = ctx.ints_attr_or_input("axes", 1, 13);
  if (!axes_given) ctx.fail("axes are required");
  const int64_t out_rank = static_cast<int64_t>(x.size() + axes_given->size());
  std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
  for (int64_t a : ctx.normalize_axes(*axes_given, out_rank)) inserted[static_cast<size_t>(a)] = true;
  ir::Shape out;
  size_t next = 0;
  for (bool one : inserted) out.push_back(one ? 1 : x[next++]);
  ctx.set_output(0, ctx.input_dtype(0), out);
}

}  // namespace tinyc::exec::shape
