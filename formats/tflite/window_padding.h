// ONNX windows carry explicit pads; TFLite's carry SAME or VALID. This decides which one an ONNX
// window equals, or the explicit PAD that must run first.
#pragma once

#include <array>
#include <cstdint>

#include "formats/tflite/model_builder.h"
#include "ir/node.h"
#include "ir/shape.h"

namespace tinyc::tflite_format {

// A 2-D window (H, W) in TFLite terms.
struct WindowPlan {
  fb::Padding padding = fb::Padding::VALID;
  // When set, a PAD op adds pad_begin/pad_end (H, W) and the window then runs VALID.
  bool explicit_pad = false;
  std::array<int64_t, 2> pad_begin{0, 0};
  std::array<int64_t, 2> pad_end{0, 0};
  std::array<int64_t, 2> kernel{1, 1};
  std::array<int64_t, 2> strides{1, 1};
  std::array<int64_t, 2> dilations{1, 1};
};

// Resolves the node's auto_pad/pads/strides/dilations (exec/shape/window.h) for an NCHW `input`,
// spatial `kernel` and the node's NCHW `output`, then picks, per the first that fits both axes:
// VALID (no leading pad, and the output is what VALID gives), SAME (the output is ceil(in / stride)
// and the leading pad is TFLite's: half the total, the odd one at the end), else an explicit pad of
// the leading pad and just enough trailing pad for the last window. `same_allowed` is false when
// padded elements must count (AveragePool with count_include_pad), which TFLite's SAME never does.
WindowPlan plan_window(const ir::Node& node, const ir::Shape& input, std::array<int64_t, 2> kernel,
                       const ir::Shape& output, bool ceil_mode, bool same_allowed);

}  // namespace tinyc::tflite_format
