// SAME/VALID/explicit-PAD choice. Two windows over the same input agree when they produce the same
// number of outputs and start at the same leading offset: elements past the input are then skipped
// (pools) or read as the zero point (convolutions) by both.
#include "formats/tflite/window_padding.h"

#include <algorithm>
#include <vector>

#include "exec/shape/window.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct AxisFit {
  bool valid = false;
  bool same = false;
  int64_t pad_begin = 0;
  int64_t pad_end = 0;  // trailing pad the last window needs
};

AxisFit fit_axis(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, int64_t pad_begin, int64_t out) {
  const int64_t span = (kernel - 1) * dilation + 1;
  AxisFit fit;
  fit.pad_begin = pad_begin;
  fit.pad_end = std::max<int64_t>(0, (out - 1) * stride + span - in - pad_begin);
  fit.valid = pad_begin == 0 && in >= span && out == (in - span) / stride + 1;
  const int64_t same_out = ceil_div(in, stride);
  const int64_t same_total = std::max<int64_t>(0, (same_out - 1) * stride + span - in);
  fit.same = out == same_out && pad_begin == same_total / 2;
  return fit;
}

}  // namespace

WindowPlan plan_window(const ir::Node& node, const ir::Shape& input, std::array<int64_t, 2> kernel,
                       const ir::Shape& output, bool ceil_mode, bool same_allowed) {
  if (input.size() != 4 || output.size() != 4)
    throw InputError(node.op_type + " '" + node.name + "': TFLite runs 2-D windows only (NCHW input " +
                     ir::shape_to_string(input) + ")");
  const std::vector<int64_t> spatial = {input[2], input[3]};
  const exec::shape::WindowGeometry w =
      exec::shape::resolve_window(node, spatial, {kernel[0], kernel[1]}, ceil_mode);
  WindowPlan plan;
  std::array<AxisFit, 2> fits;
  for (size_t i = 0; i < 2; ++i) {
    plan.kernel[i] = kernel[i];
    plan.strides[i] = w.strides[i];
    plan.dilations[i] = w.dilations[i];
    fits[i] = fit_axis(spatial[i], kernel[i], w.strides[i], w.dilations[i], w.pads_begin[i], output[2 + i]);
  }
  if (fits[0].valid && fits[1].valid) {
    plan.padding = fb::Padding::VALID;
  } else if (same_allowed && fits[0].same && fits[1].same) {
    plan.padding = fb::Padding::SAME;
  } else {
    plan.padding = fb::Padding::VALID;
    plan.explicit_pad = true;
    for (size_t i = 0; i < 2; ++i) {
      plan.pad_begin[i] = fits[i].pad_begin;
      plan.pad_end[i] = fits[i].pad_end;
    }
  }
  return plan;
}

}  // namespace tinyc::tflite_format
