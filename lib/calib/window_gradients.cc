// Window gradients: the window geometry the kernels use (exec/shape/window.h), walked backwards.
// Conv's gradient is one matrix product per row and group (transposed weights times dy, in Eigen)
// scattered back over the windows.
#include "calib/window_gradients.h"

#include <Eigen/Core>

#include "exec/shape/window.h"
#include "ir/constant_data.h"

namespace tinyc::calib {

namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The window of a 4-D input's node, with the kernel from kernel_shape or the weights.
exec::shape::WindowGeometry window_of(const ir::Node& node, const ir::Shape& x, const std::vector<int64_t>& kernel) {
  return exec::shape::resolve_window(node, {x[2], x[3]}, kernel, node.attr_int("ceil_mode", 0) != 0);
}

// Input position of kernel tap `tap` for output position `o` along axis `d`.
int64_t source(const exec::shape::WindowGeometry& w, size_t d, int64_t o, int64_t tap) {
  return o * w.strides[d] - w.pads_begin[d] + tap * w.dilations[d];
}

}  // namespace

bool has_window_gradient(const ir::Node& node) {
  const ir::Value* x = node.input(0);
  if (!x || !x->shape || x->shape->size() != 4 || x->dtype != ir::DType::Float32 || node.outputs().size() != 1)
    return false;
  if (node.op_type != "Conv") return node.has_attr("kernel_shape") && node.attr_ints("kernel_shape", {}).size() == 2;
  const ir::Tensor* weights = ir::constant_data(node.input(1));
  return weights && weights->dtype() == ir::DType::Float32 && weights->shape().size() == 4;
}

ir::Tensor conv_input_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& dy) {
  const ir::Tensor& weights = *ir::constant_data(node.input(1));
  const ir::Shape &xs = x.shape(), &ws = weights.shape(), &ys = dy.shape();
  const exec::shape::WindowGeometry w = window_of(node, xs, {ws[2], ws[3]});
  const int64_t groups = node.attr_int("group", 1), group_in = xs[1] / groups, group_out = ws[0] / groups;
  const int64_t taps = ws[2] * ws[3], positions = ys[2] * ys[3], h = xs[2], wd = xs[3];
  ir::Tensor dx(ir::DType::Float32, xs);
  auto out = dx.mutable_values<float>();
  const float* wv = weights.values<float>().data();
  const float* g = dy.values<float>().data();
  Matrix columns;
  for (int64_t n = 0; n < xs[0]; ++n)
    for (int64_t k = 0; k < groups; ++k) {
      const Eigen::Map<const Matrix> filter(wv + k * group_out * group_in * taps, group_out, group_in * taps);
      const Eigen::Map<const Matrix> grad(g + (n * ys[1] + k * group_out) * positions, group_out, positions);
      columns.noalias() = filter.transpose() * grad;
      for (int64_t c = 0; c < group_in; ++c) {
        float* plane = out.data() + (n * xs[1] + k * group_in + c) * h * wd;
        for (int64_t a = 0; a < ws[2]; ++a)
          for (int64_t b = 0; b < ws[3]; ++b) {
            const float* column = columns.data() + (c * taps + a * ws[3] + b) * positions;
            for (int64_t i = 0; i < ys[2]; ++i) {
              const int64_t r = source(w, 0, i, a);
              if (r < 0 || r >= h) continue;
              for (int64_t j = 0; j < ys[3]; ++j) {
                const int64_t s = source(w, 1, j, b);
                if (s >= 0 && s < wd) plane[r * wd + s] += column[i * ys[3] + j];
              }
            }
          }
      }
    }
  return dx;
}

ir::Tensor max_pool_input_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& y,
                                   const ir::Tensor& dy) {
  const ir::Shape &xs = x.shape(), &ys = y.shape();
  const std::vector<int64_t> kernel = node.attr_ints("kernel_shape", {});
  const exec::shape::WindowGeometry w = window_of(node, xs, kernel);
  const int64_t planes = xs[0] * xs[1], h = xs[2], wd = xs[3], oh = ys[2], ow = ys[3];
  ir::Tensor dx(ir::DType::Float32, xs);
  const auto xv = x.values<float>(), yv = y.values<float>(), g = dy.values<float>();
  auto out = dx.mutable_values<float>();
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        const auto o = static_cast<size_t>((p * oh + i) * ow + j);
        bool routed = false;
        for (int64_t a = 0; a < kernel[0] && !routed; ++a)
          for (int64_t b = 0; b < kernel[1] && !routed; ++b) {
            const int64_t r = source(w, 0, i, a), c = source(w, 1, j, b);
            if (r < 0 || r >= h || c < 0 || c >= wd) continue;
            const auto in = static_cast<size_t>((p * h + r) * wd + c);
            if (xv[in] == yv[o]) {
              out[in] += g[o];
              routed = true;
            }
          }
      }
  return dx;
}

ir::Tensor average_pool_input_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& dy) {
  const ir::Shape &xs = x.shape(), &ys = dy.shape();
  const std::vector<int64_t> kernel = node.attr_ints("kernel_shape", {});
  const exec::shape::WindowGeometry w = window_of(node, xs, kernel);
  const bool include_pad = node.attr_int("count_include_pad", 0) != 0;
  const int64_t planes = xs[0] * xs[1], h = xs[2], wd = xs[3], oh = ys[2], ow = ys[3];
  const int64_t lo[2] = {include_pad ? -w.pads_begin[0] : 0, include_pad ? -w.pads_begin[1] : 0};
  const int64_t hi[2] = {h + (include_pad ? w.pads_end[0] : 0), wd + (include_pad ? w.pads_end[1] : 0)};
  ir::Tensor dx(ir::DType::Float32, xs);
  const auto g = dy.values<float>();
  auto out = dx.mutable_values<float>();
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j) {
      int64_t counted = 0;
      for (int64_t a = 0; a < kernel[0]; ++a)
        for (int64_t b = 0; b < kernel[1]; ++b) {
          const int64_t r = source(w, 0, i, a), c = source(w, 1, j, b);
          counted += r >= lo[0] && r < hi[0] && c >= lo[1] && c < hi[1];
        }
      if (counted == 0) continue;
      for (int64_t p = 0; p < planes; ++p) {
        const float share = g[static_cast<size_t>((p * oh + i) * ow + j)] / static_cast<float>(counted);
        for (int64_t a = 0; a < kernel[0]; ++a)
          for (int64_t b = 0; b < kernel[1]; ++b) {
            const int64_t r = source(w, 0, i, a), c = source(w, 1, j, b);
            if (r >= 0 && r < h && c >= 0 && c < wd) out[static_cast<size_t>((p * h + r) * wd + c)] += share;
          }
      }
    }
  return dx;
}

}  // namespace tinyc::calib
