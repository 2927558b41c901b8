// Sliding-window geometry of Conv, ConvTranspose, MaxPool and AveragePool: auto_pad, pads, strides,
// dilations and output_padding resolved to explicit numbers, so shape inference and kernels agree.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/node.h"

namespace tinyc::exec::shape {

// All vectors have one entry per spatial axis. Transposed windows may carry negative pads when
// output_shape or auto_pad asks for more output than the window covers (the extra is zero).
struct WindowGeometry {
  std::vector<int64_t> kernel;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads_begin;
  std::vector<int64_t> pads_end;
  std::vector<int64_t> output_padding;  // ConvTranspose only; zeros otherwise
  std::vector<int64_t> output;          // spatial output sizes
};

// Forward windows (Conv, MaxPool, AveragePool) over the spatial dims `input` with spatial `kernel`.
// `ceil_mode` rounds the window count up, never starting a window inside the end padding.
// Throws InputError naming the node for malformed attributes or a kernel larger than the padded input.
WindowGeometry resolve_window(const ir::Node& node, const std::vector<int64_t>& input,
                              const std::vector<int64_t>& kernel, bool ceil_mode);

// Transposed windows (ConvTranspose): adds output_padding and the output_shape attribute.
WindowGeometry resolve_transposed_window(const ir::Node& node, const std::vector<int64_t>& input,
                                         const std::vector<int64_t>& kernel);

}  // namespace tinyc::exec::shape
