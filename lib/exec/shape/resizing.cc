// Resize and Upsample geometry: attributes and constant scales/sizes read once; ONNX's coordinate
// mapping and rounding in double; TFLite's nearest-neighbour index arithmetic replayed in float32.
#include "exec/shape/resizing.h"

#include <algorithm>
#include <cmath>

#include "exec/shape/shape_rule.h"
#include "ir/node.h"
#include "ir/value.h"

namespace tinyc::exec::shape {

namespace {

CoordinateMode coordinate_mode(const ir::Node& node) {
  const std::string mode = node.attr_string("coordinate_transformation_mode", "half_pixel");
  if (mode == "half_pixel") return CoordinateMode::HalfPixel;
  if (mode == "pytorch_half_pixel") return CoordinateMode::PytorchHalfPixel;
  if (mode == "align_corners") return CoordinateMode::AlignCorners;
  if (mode == "asymmetric") return CoordinateMode::Asymmetric;
  if (mode == "tf_half_pixel_for_nn") return CoordinateMode::TfHalfPixelForNn;
  throw node_error(node, "coordinate_transformation_mode '" + mode +
                             "' is not supported (half_pixel, pytorch_half_pixel, align_corners, asymmetric, "
                             "tf_half_pixel_for_nn)");
}

NearestMode nearest_mode(const ir::Node& node) {
  const std::string mode = node.attr_string("nearest_mode", "round_prefer_floor");
  if (mode == "round_prefer_floor") return NearestMode::RoundPreferFloor;
  if (mode == "round_prefer_ceil") return NearestMode::RoundPreferCeil;
  if (mode == "floor") return NearestMode::Floor;
  if (mode == "ceil") return NearestMode::Ceil;
  throw node_error(node, "nearest_mode '" + mode + "' is not one of round_prefer_floor, round_prefer_ceil, floor, ceil");
}

// The elements of input i when it is a non-empty constant or Constant node output (an empty input
// means "not given").
std::optional<std::vector<double>> constant_input(const ir::Node& node, size_t i) {
  const ir::Value* v = node.input(i);
  if (!v || (v->shape && ir::num_elements(*v->shape) == 0)) return std::nullopt;
  const ir::Node* producer = v->producer();
  const ir::Tensor* data = v->is_constant() ? &v->constant()
                           : producer && producer->op_type == "Constant" && producer->has_attr("value")
                               ? &producer->attr_tensor("value")
                               : nullptr;
  if (!data) throw node_error(node, "input " + std::to_string(i) + " must be known before run time");
  if (data->num_elements() == 0) return std::nullopt;
  return data->to_double();
}

double original_coordinate(const ResizeSpec& spec, const ResizeAxis& a, int64_t x) {
  const auto xd = static_cast<double>(x);
  switch (spec.coordinates) {
    case CoordinateMode::HalfPixel: return (xd + 0.5) / a.scale - 0.5;
    case CoordinateMode::PytorchHalfPixel: return a.out > 1 ? (xd + 0.5) / a.scale - 0.5 : 0.0;
    case CoordinateMode::AlignCorners: return a.length == 1 ? 0.0 : xd * static_cast<double>(a.in - 1) / (a.length - 1);
    case CoordinateMode::Asymmetric: return xd / a.scale;
    case CoordinateMode::TfHalfPixelForNn: return (xd + 0.5) / a.scale;
  }
  return 0.0;
}

int64_t rounded(NearestMode mode, double c) {
  const double down = std::floor(c);
  const bool half = c - down == 0.5;
  switch (mode) {
    case NearestMode::RoundPreferFloor: return static_cast<int64_t>(half ? down : std::round(c));
    case NearestMode::RoundPreferCeil: return static_cast<int64_t>(half ? down + 1 : std::round(c));
    case NearestMode::Floor: return static_cast<int64_t>(down);
    case NearestMode::Ceil: return static_cast<int64_t>(std::ceil(c));
  }
  return 0;
}

// TFLite's GetNearestNeighbor (reference_ops) for one output index, in its float32 arithmetic.
int64_t tflite_nearest(int64_t x, const ResizeAxis& a, TfliteResizeFlags flags) {
  const float scale = flags.align_corners && a.out > 1
                          ? static_cast<float>(a.in - 1) / static_cast<float>(a.out - 1)
                          : static_cast<float>(a.in) / static_cast<float>(a.out);
  const float position = (static_cast<float>(x) + (flags.half_pixel_centers ? 0.5f : 0.0f)) * scale;
  auto source = static_cast<int64_t>(flags.align_corners ? std::round(position) : std::floor(position));
  source = std::min(source, a.in - 1);
  return flags.half_pixel_centers ? std::max<int64_t>(source, 0) : source;
}

bool tflite_matches_nearest(const ResizeSpec& spec, TfliteResizeFlags flags) {
  for (size_t d : {size_t{2}, size_t{3}}) {
    const std::vector<int64_t> onnx = nearest_sources(spec, spec.axes[d]);
    for (int64_t x = 0; x < spec.axes[d].out; ++x)
      if (tflite_nearest(x, spec.axes[d], flags) != onnx[static_cast<size_t>(x)]) return false;
  }
  return true;
}

}  // namespace

ir::Shape ResizeSpec::output_shape() const {
  ir::Shape out;
  for (const ResizeAxis& a : axes) out.push_back(a.out);
  return out;
}

ResizeSpec resolve_resize(const ir::Node& node, const ir::Shape& input, int64_t opset,
                          const std::optional<std::vector<int64_t>>& known_sizes) {
  const bool upsample = node.op_type == "Upsample";
  ResizeSpec spec;
  const std::string mode = node.attr_string("mode", "nearest");
  spec.linear = mode == "linear" || mode == "bilinear";
  if (!spec.linear && mode != "nearest")
    throw node_error(node, "mode '" + mode + "' is not supported (nearest, linear): TFLite has no " + mode + " resize");
  std::optional<std::vector<double>> scales;
  std::optional<std::vector<int64_t>> sizes;
  if (upsample || opset < 11) {  // asymmetric mapping, rounding down (ONNX's opset 10 -> 11 adapter)
    spec.coordinates = CoordinateMode::Asymmetric;
    spec.nearest = NearestMode::Floor;
    if (upsample && opset < 9) {
      const std::vector<float> attr = node.attr_floats("scales", {});
      scales = std::vector<double>(attr.begin(), attr.end());
    } else {
      scales = constant_input(node, 1);
    }
    if (!scales) throw node_error(node, "the scales are missing");
  } else {
    spec.coordinates = coordinate_mode(node);
    spec.nearest = nearest_mode(node);
    if (node.attr_int("antialias", 0) != 0) throw node_error(node, "antialias is not supported");
    if (node.has_attr("axes")) throw node_error(node, "the axes attribute is not supported; give every dim");
    if (node.attr_string("keep_aspect_ratio_policy", "stretch") != "stretch")
      throw node_error(node, "keep_aspect_ratio_policy other than stretch is not supported");
    scales = constant_input(node, 2);
    if (known_sizes && !known_sizes->empty()) {
      sizes = known_sizes;
    } else if (const auto given = constant_input(node, 3)) {
      sizes.emplace();
      for (double s : *given) sizes->push_back(static_cast<int64_t>(s));
    }
    if (scales.has_value() == sizes.has_value()) throw node_error(node, "give exactly one of scales and sizes");
  }
  const size_t count = scales ? scales->size() : sizes->size();
  if (count != input.size())
    throw node_error(node, std::string(scales ? "scales" : "sizes") + " has " + std::to_string(count) +
                               " entries for a rank-" + std::to_string(input.size()) + " input");
  for (size_t d = 0; d < input.size(); ++d) {
    ResizeAxis a;
    a.in = input[d];
    if (sizes) {
      a.out = (*sizes)[d];
      a.scale = a.in > 0 ? static_cast<double>(a.out) / static_cast<double>(a.in) : 1.0;
      a.length = static_cast<double>(a.out);
    } else {
      a.scale = (*scales)[d];
      if (!(a.scale > 0)) throw node_error(node, "scales must be positive");
      a.length = static_cast<double>(a.in) * a.scale;
      a.out = static_cast<int64_t>(std::floor(static_cast<float>(a.in) * static_cast<float>(a.scale)));
    }
    if (a.out < 0) throw node_error(node, "sizes must not be negative");
    spec.axes.push_back(a);
  }
  return spec;
}

std::vector<int64_t> nearest_sources(const ResizeSpec& spec, const ResizeAxis& axis) {
  std::vector<int64_t> sources;
  for (int64_t x = 0; x < axis.out; ++x)
    sources.push_back(std::clamp<int64_t>(rounded(spec.nearest, original_coordinate(spec, axis, x)), 0, axis.in - 1));
  return sources;
}

std::vector<LinearTap> linear_taps(const ResizeSpec& spec, const ResizeAxis& axis) {
  std::vector<LinearTap> taps;
  for (int64_t x = 0; x < axis.out; ++x) {
    const double c = std::clamp(original_coordinate(spec, axis, x), 0.0, static_cast<double>(axis.in - 1));
    LinearTap t;
    t.lower = static_cast<int64_t>(std::floor(c));
    t.upper = std::min(t.lower + 1, axis.in - 1);
    t.weight = c - static_cast<double>(t.lower);
    taps.push_back(t);
  }
  return taps;
}

std::optional<TfliteResizeFlags> tflite_resize_flags(const ResizeSpec& spec, std::string& why) {
  if (spec.axes.size() != 4 || spec.axes[0].in != spec.axes[0].out || spec.axes[1].in != spec.axes[1].out) {
    why = "TFLite resizes H and W of a rank-4 tensor only";
    return std::nullopt;
  }
  if (!spec.linear) {
    for (const TfliteResizeFlags flags : {TfliteResizeFlags{false, false}, TfliteResizeFlags{true, false},
                                          TfliteResizeFlags{false, true}})
      if (tflite_matches_nearest(spec, flags)) return flags;
    why = "no TFLite nearest-neighbour resize picks the same source pixels";
    return std::nullopt;
  }
  const bool exact_scales = spec.axes[2].scale * static_cast<double>(spec.axes[2].in) == static_cast<double>(spec.axes[2].out) &&
                            spec.axes[3].scale * static_cast<double>(spec.axes[3].in) == static_cast<double>(spec.axes[3].out);
  const bool single_pixel = spec.axes[2].out == 1 || spec.axes[3].out == 1;
  switch (spec.coordinates) {
    case CoordinateMode::AlignCorners:
      if (exact_scales) return TfliteResizeFlags{true, false};
      break;
    case CoordinateMode::Asymmetric:
      if (exact_scales) return TfliteResizeFlags{false, false};
      break;
    case CoordinateMode::HalfPixel:
      if (exact_scales) return TfliteResizeFlags{false, true};
      break;
    case CoordinateMode::PytorchHalfPixel:
      if (exact_scales && !single_pixel) return TfliteResizeFlags{false, true};
      break;
    case CoordinateMode::TfHalfPixelForNn: break;
  }
  why = "TFLite's bilinear resize maps coordinates by output / input size in half_pixel, asymmetric or "
        "align_corners mode only";
  return std::nullopt;
}

}  // namespace tinyc::exec::shape
