// RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR -> Resize (opset 13, sizes given) with the ONNX
// coordinate mode and rounding that compute TFLite's coordinates for each option set.
#include "formats/tflite/import_ops.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

void import_resize(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const ir::Shape& in = ctx.tensor(input).shape;
  if (in.size() != 4) throw InputError(ctx.describe(op) + ": the input is not rank 4");
  const std::vector<int64_t> size = constant_ints(op, ctx, 1, "size");
  if (size.size() != 2) throw InputError(ctx.describe(op) + ": the size is not (height, width)");
  const bool linear = op.code == static_cast<int32_t>(fb::BuiltinOperator::RESIZE_BILINEAR);
  bool align_corners = false, half_pixel_centers = false;
  if (linear) {
    if (const fb::ResizeBilinearOptions* o = op.op->builtin_options_as_ResizeBilinearOptions()) {
      align_corners = o->align_corners();
      half_pixel_centers = o->half_pixel_centers();
    }
  } else if (const fb::ResizeNearestNeighborOptions* o = op.op->builtin_options_as_ResizeNearestNeighborOptions()) {
    align_corners = o->align_corners();
    half_pixel_centers = o->half_pixel_centers();
  }
  if (align_corners && half_pixel_centers)
    throw InputError(ctx.describe(op) + ": align_corners and half_pixel_centers together, which TFLite refuses");
  if (ctx.dtype(input) == ir::DType::Int8) require_same_quant(op, ctx, input, output);
  // The file is NHWC: N, C keep their sizes, H and W take the size operand.
  const std::vector<int64_t> sizes{in[0], in[3], size[0], size[1]};
  ir::Node* n = ctx.define("Resize", {ctx.value(input), nullptr, nullptr, ctx.int64_constant(ctx.tensor(output).name + "_sizes", sizes)},
                           output);
  n->attrs["mode"] = std::string(linear ? "linear" : "nearest");
  n->attrs["coordinate_transformation_mode"] =
      std::string(align_corners ? "align_corners" : half_pixel_centers ? (linear ? "half_pixel" : "tf_half_pixel_for_nn") : "asymmetric");
  // TFLite rounds align_corners positions half away from zero (up, for these non-negative ones) and
  // floors the others.
  n->attrs["nearest_mode"] = std::string(align_corners ? "round_prefer_ceil" : "floor");
}

}  // namespace tinyc::tflite_format
