// Resize and Upsample geometry, resolved once from the node and shared by the shape rule, the float
// and int8 kernels and the TFLite lowering, so the output shape, the computed elements and the
// emitted op come from one reading of the attributes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/node.h"
#include "ir/shape.h"

namespace tinyc::exec::shape {

// How an output coordinate maps back into the input (ONNX coordinate_transformation_mode).
enum class CoordinateMode { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric, TfHalfPixelForNn };
// How nearest mode rounds that coordinate (ONNX nearest_mode).
enum class NearestMode { RoundPreferFloor, RoundPreferCeil, Floor, Ceil };

// One dim: its input and output sizes, the scale the coordinate mapping divides by (the given
// scale, or output / input when sizes were given) and the output length align_corners maps onto
// (input * scale before rounding down, or the given size).
struct ResizeAxis {
  int64_t in = 1;
  int64_t out = 1;
  double scale = 1;
  double length = 1;
};

struct ResizeSpec {
  bool linear = false;  // else nearest
  CoordinateMode coordinates = CoordinateMode::HalfPixel;
  NearestMode nearest = NearestMode::RoundPreferFloor;
  std::vector<ResizeAxis> axes;  // one per dim

  ir::Shape output_shape() const;
};

// Reads Resize (opsets 10, 11, 13, 18: scales or sizes as constant inputs; opset 10 maps
// asymmetrically and rounds down) or Upsample (scales as attribute or input; the same mapping).
// `known_sizes` are the sizes input's elements when shape inference computed them. Throws
// InputError naming the node for modes TFLite has no form of (cubic, tf_crop_and_resize),
// antialias, axes, a keep_aspect_ratio_policy, run-time scales or sizes, or a wrong count.
ResizeSpec resolve_resize(const ir::Node& node, const ir::Shape& input, int64_t opset,
                          const std::optional<std::vector<int64_t>>& known_sizes = std::nullopt);

// Nearest mode: the input index each output index of this dim reads.
std::vector<int64_t> nearest_sources(const ResizeSpec& spec, const ResizeAxis& axis);

// Linear mode: output index i of this dim is (1 - weight) * x[lower] + weight * x[upper].
struct LinearTap {
  int64_t lower = 0;
  int64_t upper = 0;
  double weight = 0;
};
std::vector<LinearTap> linear_taps(const ResizeSpec& spec, const ResizeAxis& axis);

// TFLite's RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR options.
struct TfliteResizeFlags {
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// The TFLite resize options under which TFLite computes this node's coordinates over a rank-4
// input resized in H and W only: for nearest, options whose source indices equal ONNX's for both
// dims (TFLite's float arithmetic replayed); for linear, the options of the same mapping when the
// scale is output / input. nullopt with `why` otherwise.
std::optional<TfliteResizeFlags> tflite_resize_flags(const ResizeSpec& spec, std::string& why);

}  // namespace tinyc::exec::shape
