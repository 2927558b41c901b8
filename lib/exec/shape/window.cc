// Window arithmetic from the ONNX Conv/ConvTranspose/pool specs (output size and SAME padding formulas).
#include "exec/shape/window.h"

#include <algorithm>
#include <string>

#include "exec/shape/shape_rule.h"

namespace tinyc::exec::shape {

namespace {

enum class AutoPad { NotSet, Valid, SameUpper, SameLower };

AutoPad read_auto_pad(const ir::Node& node) {
  const std::string mode = node.attr_string("auto_pad", "NOTSET");
  if (mode == "NOTSET") return AutoPad::NotSet;
  if (mode == "VALID") return AutoPad::Valid;
  if (mode == "SAME_UPPER") return AutoPad::SameUpper;
  if (mode == "SAME_LOWER") return AutoPad::SameLower;
  throw node_error(node, "auto_pad '" + mode + "' is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
}

// Window sizes, strides, dilations, pads and spatial input sizes above this are refused, so the
// output-size arithmetic (sums and products of two such values) stays inside int64.
constexpr int64_t kMaxExtent = (int64_t{1} << 31) - 1;

// Reads an int list attribute of `count` entries (default `fallback` each), each in [`minimum`, kMaxExtent].
std::vector<int64_t> read_list(const ir::Node& node, const std::string& key, size_t count, int64_t fallback,
                               int64_t minimum) {
  std::vector<int64_t> values = node.attr_ints(key, std::vector<int64_t>(count, fallback));
  if (values.size() != count)
    throw node_error(node, key + " has " + std::to_string(values.size()) + " entries, expected " +
                               std::to_string(count));
  for (int64_t v : values) {
    if (v < minimum)
      throw node_error(node, key + " entries must be >= " + std::to_string(minimum) + ", got " + std::to_string(v));
    if (v > kMaxExtent)
      throw node_error(node, key + " entry " + std::to_string(v) + " exceeds tinyc's limit of " +
                                 std::to_string(kMaxExtent));
  }
  return values;
}

// Common attributes; pads are explicit zeros unless auto_pad is NOTSET.
WindowGeometry read_common(const ir::Node& node, AutoPad mode, const std::vector<int64_t>& input,
                           const std::vector<int64_t>& kernel) {
  const size_t n = input.size();
  if (kernel.size() != n)
    throw node_error(node, "kernel has " + std::to_string(kernel.size()) + " spatial dims, input has " +
                               std::to_string(n));
  for (int64_t k : kernel)
    if (k < 1 || k > kMaxExtent)
      throw node_error(node, "kernel dims must be in [1, " + std::to_string(kMaxExtent) + "], got " + std::to_string(k));
  for (int64_t d : input)
    if (d > kMaxExtent)
      throw node_error(node, "spatial input size " + std::to_string(d) + " exceeds tinyc's limit of " +
                                 std::to_string(kMaxExtent));
  if (node.has_attr("kernel_shape") && node.attr_ints("kernel_shape", {}) != kernel)
    throw node_error(node, "kernel_shape attribute does not match the weight's spatial dims");
  WindowGeometry w;
  w.kernel = kernel;
  w.strides = read_list(node, "strides", n, 1, 1);
  w.dilations = read_list(node, "dilations", n, 1, 1);
  w.output_padding.assign(n, 0);
  w.pads_begin.assign(n, 0);
  w.pads_end.assign(n, 0);
  if (mode == AutoPad::NotSet) {
    const std::vector<int64_t> pads = read_list(node, "pads", 2 * n, 0, 0);
    for (size_t i = 0; i < n; ++i) {
      w.pads_begin[i] = pads[i];
      w.pads_end[i] = pads[n + i];
    }
  }
  return w;
}

int64_t dilated(const WindowGeometry& w, size_t i) { return (w.kernel[i] - 1) * w.dilations[i] + 1; }

int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

int64_t floor_div(int64_t a, int64_t b) { return -ceil_div(-a, b); }

// Splits `total` padding; the odd one goes to the end for SAME_UPPER, to the beginning otherwise.
// The half is floored as the ONNX spec's formulas are, which matters for the negative totals of
// ConvTranspose's output_shape: -1 splits into begin 0, end -1 (one extra output at the end).
void split_padding(int64_t total, bool extra_at_end, int64_t& begin, int64_t& end) {
  const int64_t half = floor_div(total, 2);
  begin = extra_at_end ? half : total - half;
  end = total - begin;
}

}  // namespace

WindowGeometry resolve_window(const ir::Node& node, const std::vector<int64_t>& input,
                              const std::vector<int64_t>& kernel, bool ceil_mode) {
  const AutoPad mode = read_auto_pad(node);
  WindowGeometry w = read_common(node, mode, input, kernel);
  for (size_t i = 0; i < input.size(); ++i) {
    const int64_t s = w.strides[i];
    const int64_t k = dilated(w, i);
    if (mode == AutoPad::SameUpper || mode == AutoPad::SameLower) {
      w.output.push_back(ceil_div(input[i], s));
      const int64_t total = std::max<int64_t>(0, (w.output[i] - 1) * s + k - input[i]);
      split_padding(total, mode == AutoPad::SameUpper, w.pads_begin[i], w.pads_end[i]);
      continue;
    }
    const int64_t span = input[i] + w.pads_begin[i] + w.pads_end[i] - k;
    if (span < 0)
      throw node_error(node, "kernel " + std::to_string(k) + (w.dilations[i] > 1 ? " (dilated)" : "") +
                                 " is larger than the padded input " + std::to_string(span + k) +
                                 " along spatial axis " + std::to_string(i));
    int64_t out = (ceil_mode ? ceil_div(span, s) : span / s) + 1;
    // A window may not start inside the end padding (ONNX, PyTorch and ONNX Runtime agree).
    if (ceil_mode && (out - 1) * s >= input[i] + w.pads_begin[i]) --out;
    w.output.push_back(out);
  }
  return w;
}

WindowGeometry resolve_transposed_window(const ir::Node& node, const std::vector<int64_t>& input,
                                         const std::vector<int64_t>& kernel) {
  const AutoPad mode = read_auto_pad(node);
  WindowGeometry w = read_common(node, mode, input, kernel);
  const size_t n = input.size();
  w.output_padding = read_list(node, "output_padding", n, 0, 0);
  std::vector<int64_t> requested = node.attr_ints("output_shape", {});
  if (requested.size() == n + 2) requested.erase(requested.begin(), requested.begin() + 2);
  if (!requested.empty() && requested.size() != n)
    throw node_error(node, "output_shape has " + std::to_string(requested.size()) + " entries, expected " +
                               std::to_string(n) + " spatial dims");
  for (size_t i = 0; i < n; ++i) {
    const int64_t s = w.strides[i];
    if (w.output_padding[i] >= s && w.output_padding[i] >= w.dilations[i])
      throw node_error(node, "output_padding " + std::to_string(w.output_padding[i]) +
                                 " must be smaller than the stride or the dilation");
    const int64_t full = s * (input[i] - 1) + w.output_padding[i] + dilated(w, i);
    int64_t out = full - w.pads_begin[i] - w.pads_end[i];
    const bool same = mode == AutoPad::SameUpper || mode == AutoPad::SameLower;
    if (!requested.empty() || same) {
      out = requested.empty() ? input[i] * s : requested[i];
      split_padding(full - out, mode == AutoPad::SameUpper, w.pads_begin[i], w.pads_end[i]);
    }
    if (out < 1)
      throw node_error(node, "output size " + std::to_string(out) + " along spatial axis " + std::to_string(i) +
                                 " is not positive; check pads and strides");
    w.output.push_back(out);
  }
  return w;
}

}  // namespace tinyc::exec::shape
