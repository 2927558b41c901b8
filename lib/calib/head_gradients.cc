// Input gradients of the head ops: masks for clamps, routing for MaxPool, spreading for global
// average pooling, transposed weights for fully connected layers.
#include "calib/head_gradients.h"

#include <algorithm>

#include "ir/constant_data.h"

namespace tinyc::calib {

namespace {

bool constant_side_inputs(const ir::Node& node) {
  for (size_t i = 1; i < node.inputs().size(); ++i)
    if (node.input(i) && !ir::constant_data(node.input(i))) return false;
  return true;
}

size_t rank_of(const ir::Value* v) { return v && v->shape ? v->shape->size() : 0; }

// Clamps pass the gradient where they passed the value.
ir::Tensor masked(const ir::Tensor& x, const ir::Tensor& y, const ir::Tensor& dy) {
  ir::Tensor dx(ir::DType::Float32, x.shape());
  const auto xv = x.values<float>(), yv = y.values<float>(), g = dy.values<float>();
  auto out = dx.mutable_values<float>();
  for (size_t i = 0; i < out.size(); ++i) out[i] = xv[i] == yv[i] ? g[i] : 0.0f;
  return dx;
}

ir::Tensor reshaped(const ir::Tensor& x, const ir::Tensor& dy) {
  ir::Tensor dx(ir::DType::Float32, x.shape());
  std::copy(dy.values<float>().begin(), dy.values<float>().end(), dx.mutable_values<float>().begin());
  return dx;
}

ir::Tensor global_average(const ir::Tensor& x, const ir::Tensor& dy) {
  ir::Tensor dx(ir::DType::Float32, x.shape());
  const auto g = dy.values<float>();
  auto out = dx.mutable_values<float>();
  const size_t planes = g.size(), plane = out.size() / planes;
  for (size_t p = 0; p < planes; ++p)
    std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(p * plane), plane, g[p] / static_cast<float>(plane));
  return dx;
}

// Each output's gradient goes to the first window element that holds the output's value.
ir::Tensor max_pool(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& y, const ir::Tensor& dy) {
  const ir::Shape &xs = x.shape(), &ys = y.shape();
  const auto kernel = node.attr_ints("kernel_shape", {});
  const auto strides = node.attr_ints("strides", {1, 1});
  const auto dilations = node.attr_ints("dilations", {1, 1});
  const auto pads = node.attr_ints("pads", {0, 0, 0, 0});
  const int64_t planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = ys[2], ow = ys[3];
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
            const int64_t r = i * strides[0] - pads[0] + a * dilations[0], c = j * strides[1] - pads[1] + b * dilations[1];
            if (r < 0 || r >= h || c < 0 || c >= w) continue;
            const auto in = static_cast<size_t>((p * h + r) * w + c);
            if (xv[in] == yv[o]) {
              out[in] += g[o];
              routed = true;
            }
          }
      }
  return dx;
}

// dx[n, k] = scale * sum_j dy[n, j] * w(k, j), with w(k, j) the weight joining input k to output j.
ir::Tensor fully_connected(const ir::Tensor& x, const ir::Tensor& dy, const ir::Tensor& weights, bool transposed,
                           float scale) {
  const int64_t rows = x.shape()[0], inputs = x.shape()[1], outputs = dy.shape()[1];
  const auto wv = weights.values<float>(), g = dy.values<float>();
  ir::Tensor dx(ir::DType::Float32, x.shape());
  auto out = dx.mutable_values<float>();
  for (int64_t n = 0; n < rows; ++n)
    for (int64_t k = 0; k < inputs; ++k) {
      double sum = 0;
      for (int64_t j = 0; j < outputs; ++j)
        sum += static_cast<double>(g[static_cast<size_t>(n * outputs + j)]) *
               wv[static_cast<size_t>(transposed ? j * inputs + k : k * outputs + j)];
      out[static_cast<size_t>(n * inputs + k)] = static_cast<float>(scale * sum);
    }
  return dx;
}

}  // namespace

bool has_input_gradient(const ir::Node& node) {
  const std::string& op = node.op_type;
  if (!node.input(0) || !constant_side_inputs(node) || node.outputs().size() != 1) return false;
  if (op == "Relu" || op == "Clip" || op == "Identity" || op == "Dropout" || op == "Flatten" || op == "Reshape" ||
      op == "GlobalAveragePool")
    return true;
  if (op == "MaxPool") {
    const std::string pad = node.has_attr("auto_pad") ? node.attr_string("auto_pad", "NOTSET") : "NOTSET";
    return rank_of(node.input(0)) == 4 && (pad == "NOTSET" || pad == "VALID");
  }
  const ir::Tensor* weights = ir::constant_data(node.input(1));
  const bool float_weights = weights && weights->dtype() == ir::DType::Float32;
  if (op == "Gemm") return float_weights && rank_of(node.input(0)) == 2 && node.attr_int("transA", 0) == 0;
  if (op == "MatMul") return float_weights && rank_of(node.input(0)) == 2 && weights->shape().size() == 2;
  return false;
}

ir::Tensor input_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& y, const ir::Tensor& dy) {
  const std::string& op = node.op_type;
  if (op == "Relu" || op == "Clip") return masked(x, y, dy);
  if (op == "GlobalAveragePool") return global_average(x, dy);
  if (op == "MaxPool") return max_pool(node, x, y, dy);
  if (op == "Gemm")
    return fully_connected(x, dy, *ir::constant_data(node.input(1)), node.attr_int("transB", 0) != 0,
                           node.attr_float("alpha", 1.0f));
  if (op == "MatMul") return fully_connected(x, dy, *ir::constant_data(node.input(1)), false, 1.0f);
  return reshaped(x, dy);
}

}  // namespace tinyc::calib
