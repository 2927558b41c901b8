// Resize and Upsample -> RESIZE_NEAREST_NEIGHBOR or RESIZE_BILINEAR, with the options under which
// TFLite computes the node's coordinates (shape::tflite_resize_flags, which the int8 executor uses
// too) and the output's H and W as the size operand.
#include "exec/shape/resizing.h"
#include "formats/tflite/lowering.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

void lower_resize(const ir::Node& node, LoweringContext& ctx) {
  const ir::Value* x = node.input(0);
  const exec::shape::ResizeSpec spec = exec::shape::resolve_resize(node, shape_of(node, x), ctx.opset());
  std::string why;
  const std::optional<exec::shape::TfliteResizeFlags> flags = exec::shape::tflite_resize_flags(spec, why);
  if (!flags) throw InputError(describe(node) + ": " + why);
  const int32_t size = ctx.int32_constant(node.name + "/size", {spec.axes[2].out, spec.axes[3].out});
  const int32_t input = ctx.input(x).index;
  const int32_t output = ctx.define(node.output(0));
  fb::BuiltinOptionsUnion options;
  if (spec.linear) {
    fb::ResizeBilinearOptionsT o;
    o.align_corners = flags->align_corners;
    o.half_pixel_centers = flags->half_pixel_centers;
    options.Set(std::move(o));
    // int8 is version 2, half-pixel centers version 3 (TFLite's op_version.cc).
    ctx.add_op(fb::BuiltinOperator::RESIZE_BILINEAR, {input, size}, {output}, std::move(options),
               flags->half_pixel_centers ? 3 : 2);
    return;
  }
  fb::ResizeNearestNeighborOptionsT o;
  o.align_corners = flags->align_corners;
  o.half_pixel_centers = flags->half_pixel_centers;
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, {input, size}, {output}, std::move(options),
             flags->align_corners || flags->half_pixel_centers ? 3 : 2);
}

}  // namespace tinyc::tflite_format
