// Shape rules of Conv and ConvTranspose (1D/2D/3D, groups, auto_pad; window math in window.cc).
#include <string>

#include "exec/shape/rules.h"
#include "exec/shape/window.h"

namespace tinyc::exec::shape {

namespace {

// Checks X = N x C x D1.. and W of the same rank; returns W's spatial dims (the kernel).
std::vector<int64_t> check_conv_operands(const ShapeContext& ctx) {
  const ir::Shape& x = ctx.input_shape(0);
  const ir::Shape& w = ctx.input_shape(1);
  if (x.size() < 3) ctx.fail("input must be N x C x D1 [x D2 ...], got " + ir::shape_to_string(x));
  if (w.size() != x.size())
    ctx.fail("weight rank " + std::to_string(w.size()) + " differs from input rank " + std::to_string(x.size()) +
             " (input " + ir::shape_to_string(x) + ", weight " + ir::shape_to_string(w) + ")");
  return {w.begin() + 2, w.end()};
}

int64_t read_group(const ShapeContext& ctx) {
  const int64_t group = ctx.node().attr_int("group", 1);
  if (group < 1) ctx.fail("group must be >= 1, got " + std::to_string(group));
  return group;
}

void check_bias(const ShapeContext& ctx, int64_t out_channels) {
  if (!ctx.has_input(2)) return;
  const ir::Shape& b = ctx.input_shape(2);
  if (b != ir::Shape{out_channels})
    ctx.fail("bias shape " + ir::shape_to_string(b) + " should be " + std::to_string(out_channels) +
             " (one per output channel)");
}

}  // namespace

void infer_conv(ShapeContext& ctx) {
  const std::vector<int64_t> kernel = check_conv_operands(ctx);
  const ir::Shape& x = ctx.input_shape(0);
  const ir::Shape& w = ctx.input_shape(1);
  const int64_t group = read_group(ctx);
  if (x[1] != w[1] * group)
    ctx.fail("input channels " + std::to_string(x[1]) + " do not match weight channels " + std::to_string(w[1]) +
             " x group " + std::to_string(group));
  if (w[0] % group != 0)
    ctx.fail("output channels " + std::to_string(w[0]) + " are not divisible by group " + std::to_string(group));
  check_bias(ctx, w[0]);
  const WindowGeometry geo = resolve_window(ctx.node(), {x.begin() + 2, x.end()}, kernel, false);
  ir::Shape out{x[0], w[0]};
  out.insert(out.end(), geo.output.begin(), geo.output.end());
  ctx.set_output(0, ctx.input_dtype(0), out);
}

void infer_conv_transpose(ShapeContext& ctx) {
  const std::vector<int64_t> kernel = check_conv_operands(ctx);
  const ir::Shape& x = ctx.input_shape(0);
  const ir::Shape& w = ctx.input_shape(1);
  const int64_t group = read_group(ctx);
  if (x[1] != w[0])
    ctx.fail("input channels " + std::to_string(x[1]) + " do not match weight dim 0 (" + std::to_string(w[0]) + ")");
  if (x[1] % group != 0)
    ctx.fail("input channels " + std::to_string(x[1]) + " are not divisible by group " + std::to_string(group));
  const int64_t out_channels = w[1] * group;
  check_bias(ctx, out_channels);
  const WindowGeometry geo = resolve_transposed_window(ctx.node(), {x.begin() + 2, x.end()}, kernel);
  ir::Shape out{x[0], out_channels};
  out.insert(out.end(), geo.output.begin(), geo.output.end());
  ctx.set_output(0, ctx.input_dtype(0), out);
}

}  // namespace tinyc::exec::shape
