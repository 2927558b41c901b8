// Input gradients of the elementwise, reshaping, normalizing and fully connected ops; the windowed
// ones (Conv, pools) are in window_gradients.cc.
#include "calib/gradients.h"

#include <algorithm>
#include <cmath>

#include "calib/window_gradients.h"
#include "ir/constant_data.h"

namespace tinyc::calib {

namespace {

size_t rank_of(const ir::Value* v) { return v && v->shape ? v->shape->size() : 0; }

bool is_constant(const ir::Value* v) { return !v || ir::constant_data(v) != nullptr; }

// Clamps pass the gradient where they passed the value.
ir::Tensor masked(const ir::Tensor& x, const ir::Tensor& y, const ir::Tensor& dy) {
  ir::Tensor dx(ir::DType::Float32, x.shape());
  const auto xv = x.values<float>(), yv = y.values<float>(), g = dy.values<float>();
  auto out = dx.mutable_values<float>();
  for (size_t i = 0; i < out.size(); ++i) out[i] = xv[i] == yv[i] ? g[i] : 0.0f;
  return dx;
}

ir::Tensor reshaped(const ir::Shape& shape, const ir::Tensor& dy) {
  ir::Tensor dx(ir::DType::Float32, shape);
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

// y = softmax(x) over the last axis: dx = y * (dy - sum(dy * y)).
ir::Tensor softmax(const ir::Tensor& y, const ir::Tensor& dy) {
  ir::Tensor dx(ir::DType::Float32, y.shape());
  const auto yv = y.values<float>(), g = dy.values<float>();
  auto out = dx.mutable_values<float>();
  const size_t width = static_cast<size_t>(y.shape().back()), rows = yv.size() / width;
  for (size_t r = 0; r < rows; ++r) {
    double dot = 0;
    for (size_t k = 0; k < width; ++k) dot += static_cast<double>(yv[r * width + k]) * g[r * width + k];
    for (size_t k = 0; k < width; ++k)
      out[r * width + k] = static_cast<float>(yv[r * width + k] * (g[r * width + k] - dot));
  }
  return dx;
}

// Inference BatchNormalization scales channel c (axis 1) by gamma_c / sqrt(var_c + epsilon).
ir::Tensor batch_norm(const ir::Node& node, const ir::Tensor& dy) {
  const std::vector<double> gamma = ir::constant_data(node.input(1))->to_double();
  const std::vector<double> var = ir::constant_data(node.input(4))->to_double();
  const double epsilon = node.attr_float("epsilon", 1e-5f);
  std::vector<float> scale(gamma.size());
  for (size_t c = 0; c < scale.size(); ++c) scale[c] = static_cast<float>(gamma[c] / std::sqrt(var[c] + epsilon));
  ir::Tensor dx(ir::DType::Float32, dy.shape());
  const auto g = dy.values<float>();
  auto out = dx.mutable_values<float>();
  const size_t channels = scale.size(), plane = g.size() / (static_cast<size_t>(dy.shape()[0]) * channels);
  for (size_t p = 0; p < g.size() / plane; ++p)
    for (size_t i = p * plane; i < (p + 1) * plane; ++i) out[i] = g[i] * scale[p % channels];
  return dx;
}

std::vector<int64_t> pad_amounts(const ir::Node& node) {
  if (node.inputs().size() > 1 && node.input(1)) {
    const ir::Tensor* pads = ir::constant_data(node.input(1));
    return pads->dtype() == ir::DType::Int64 ? std::vector<int64_t>(pads->values<int64_t>().begin(), pads->values<int64_t>().end())
                                             : std::vector<int64_t>{};
  }
  return node.attr_ints("pads", {});
}

// A constant-mode Pad's gradient is dy cropped to the input.
ir::Tensor pad(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& dy) {
  const std::vector<int64_t> pads = pad_amounts(node);
  const ir::Shape &xs = x.shape(), &ys = dy.shape();
  ir::Tensor dx(ir::DType::Float32, xs);
  const auto g = dy.values<float>();
  auto out = dx.mutable_values<float>();
  const int64_t planes = xs[0] * xs[1], h = xs[2], w = xs[3];
  for (int64_t p = 0; p < planes; ++p) {
    const int64_t n = p / xs[1], c = p % xs[1];
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) {
        const int64_t from = (((n + pads[0]) * ys[1] + c + pads[1]) * ys[2] + i + pads[2]) * ys[3] + j + pads[3];
        out[static_cast<size_t>((p * h + i) * w + j)] = g[static_cast<size_t>(from)];
      }
  }
  return dx;
}

bool pad_has_gradient(const ir::Node& node) {
  if (node.attr_string("mode", "constant") != "constant" || rank_of(node.input(0)) != 4) return false;
  if (node.inputs().size() > 3 && node.input(3)) return false;  // axes
  const std::vector<int64_t> pads = pad_amounts(node);
  return pads.size() == 8 && std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p >= 0; });
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

// Add passes dy to each activation operand; a constant operand may broadcast, an activation may not.
bool add_has_gradient(const ir::Node& node) {
  const ir::Value* y = node.output(0);
  if (!y->shape) return false;
  for (size_t i = 0; i < 2; ++i)
    if (!is_constant(node.input(i)) && (!node.input(i)->shape || *node.input(i)->shape != *y->shape)) return false;
  return true;
}

// The gradient of the first input of a single-activation op.
ir::Tensor first_input_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& y, const ir::Tensor& dy) {
  const std::string& op = node.op_type;
  if (op == "Relu" || op == "Clip") return masked(x, y, dy);
  if (op == "GlobalAveragePool") return global_average(x, dy);
  if (op == "Softmax") return softmax(y, dy);
  if (op == "BatchNormalization") return batch_norm(node, dy);
  if (op == "Pad") return pad(node, x, dy);
  if (op == "Conv") return conv_input_gradient(node, x, dy);
  if (op == "MaxPool") return max_pool_input_gradient(node, x, y, dy);
  if (op == "AveragePool") return average_pool_input_gradient(node, x, dy);
  if (op == "Gemm")
    return fully_connected(x, dy, *ir::constant_data(node.input(1)), node.attr_int("transB", 0) != 0,
                           node.attr_float("alpha", 1.0f));
  if (op == "MatMul") return fully_connected(x, dy, *ir::constant_data(node.input(1)), false, 1.0f);
  return reshaped(x.shape(), dy);
}

}  // namespace

bool constant_side_inputs(const ir::Node& node) {
  for (size_t i = 1; i < node.inputs().size(); ++i)
    if (!is_constant(node.input(i))) return false;
  return true;
}

bool has_input_gradient(const ir::Node& node) {
  const std::string& op = node.op_type;
  if (node.inputs().empty() || node.outputs().size() != 1) return false;
  if (op == "Add")
    return node.inputs().size() == 2 && !(is_constant(node.input(0)) && is_constant(node.input(1))) &&
           add_has_gradient(node);
  if (is_constant(node.input(0))) return false;
  if (!constant_side_inputs(node)) return false;
  if (op == "Relu" || op == "Clip" || op == "Identity" || op == "Dropout" || op == "Flatten" || op == "Reshape" ||
      op == "GlobalAveragePool" || op == "BatchNormalization")
    return true;
  if (op == "Softmax") {
    const int64_t axis = node.attr_int("axis", -1), rank = static_cast<int64_t>(rank_of(node.input(0)));
    return rank > 0 && (axis == -1 || axis == rank - 1);
  }
  if (op == "Pad") return pad_has_gradient(node);
  if (op == "Conv" || op == "MaxPool" || op == "AveragePool") return has_window_gradient(node);
  const ir::Tensor* weights = ir::constant_data(node.input(1));
  const bool float_weights = weights && weights->dtype() == ir::DType::Float32;
  if (op == "Gemm") return float_weights && rank_of(node.input(0)) == 2 && node.attr_int("transA", 0) == 0;
  if (op == "MatMul") return float_weights && rank_of(node.input(0)) == 2 && weights->shape().size() == 2;
  return false;
}

std::vector<std::optional<ir::Tensor>> input_gradients(const ir::Node& node,
                                                       const std::vector<const ir::Tensor*>& inputs,
                                                       const ir::Tensor& y, const ir::Tensor& dy) {
  std::vector<std::optional<ir::Tensor>> grads(inputs.size());
  if (node.op_type == "Add") {
    for (size_t i = 0; i < inputs.size(); ++i)
      if (!is_constant(node.input(i))) grads[i] = reshaped(y.shape(), dy);
    return grads;
  }
  grads[0] = first_input_gradient(node, *inputs[0], y, dy);
  return grads;
}

}  // namespace tinyc::calib
