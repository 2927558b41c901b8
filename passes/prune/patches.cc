// Patch gathering and weight matrices of Conv/Gemm layers (Eigen, double precision).
#include "passes/prune/patches.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

constexpr int64_t kMaxSamples = 12000;
constexpr Eigen::Index kGatherSamples = 16;  // two 64-byte lines of doubles per column

}  // namespace

std::optional<PatchGeometry> patch_geometry(const ir::Node& n) {
  PatchGeometry p;
  if (n.op_type == "Gemm")
    return n.attr_int("transA", 0) == 0 && n.attr_float("alpha", 1) == 1 && n.attr_float("beta", 1) == 1
               ? std::optional(p)
               : std::nullopt;
  const ir::Shape& w = n.input(1)->constant().shape();
  p.groups = n.attr_int("group", 1);
  if (n.op_type != "Conv" || w.size() != 4 || p.groups < 1 || w[0] % p.groups != 0 ||
      n.attr_string("auto_pad", "NOTSET") != "NOTSET" || !n.output(0)->shape)
    return std::nullopt;
  const std::vector<int64_t> strides = n.attr_ints("strides", {1, 1});
  const std::vector<int64_t> dilations = n.attr_ints("dilations", {1, 1});
  const std::vector<int64_t> pads = n.attr_ints("pads", {0, 0, 0, 0});
  p.conv = true;
  p.kh = w[2];
  p.kw = w[3];
  p.sh = strides[0];
  p.sw = strides[1];
  p.dh = dilations[0];
  p.dw = dilations[1];
  p.pt = pads[0];
  p.pl = pads[1];
  p.out_h = (*n.output(0)->shape)[2];
  p.out_w = (*n.output(0)->shape)[3];
  return p;
}

std::vector<Sample> draw_samples(const PatchGeometry& p, int64_t rows) {
  const int64_t positions = p.out_h * p.out_w;
  const int64_t per_row = std::min(positions, std::max<int64_t>(1, kMaxSamples / rows));
  std::mt19937 rng(1);
  std::vector<int64_t> order(static_cast<size_t>(positions));
  std::vector<Sample> samples;
  for (int64_t r = 0; r < rows; ++r) {
    std::iota(order.begin(), order.end(), 0);
    if (per_row < positions) std::shuffle(order.begin(), order.end(), rng);
    for (int64_t i = 0; i < per_row; ++i) samples.push_back({r, order[i] / p.out_w, order[i] % p.out_w});
  }
  return samples;
}

Eigen::MatrixXd gather_patches(const PatchGeometry& p, const ir::Tensor& x, const std::vector<Sample>& samples,
                               int64_t groups, int64_t group) {
  const ir::Shape& s = x.shape();
  const auto v = x.values<float>();
  const int64_t channels = s[1], h = p.conv ? s[2] : 1, w = p.conv ? s[3] : 1;
  const int64_t count = channels / groups, first = group * count;
  const int64_t width = count * p.kh * p.kw;
  const auto n = static_cast<Eigen::Index>(samples.size());
  Eigen::MatrixXd m(n, width + 1);
  m.col(width).setOnes();
  // A few samples at a time, so each column's writes fill whole cache lines of the column-major m.
  for (Eigen::Index i0 = 0; i0 < n; i0 += kGatherSamples) {
    const Eigen::Index i1 = std::min(n, i0 + kGatherSamples);
    for (int64_t c = 0; c < count; ++c)
      for (int64_t ky = 0; ky < p.kh; ++ky)
        for (int64_t kx = 0; kx < p.kw; ++kx) {
          double* column = &m(0, (c * p.kh + ky) * p.kw + kx);
          for (Eigen::Index i = i0; i < i1; ++i) {
            const Sample& t = samples[static_cast<size_t>(i)];
            const int64_t iy = t.y * p.sh - p.pt + ky * p.dh, ix = t.x * p.sw - p.pl + kx * p.dw;
            const bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            column[i] = inside ? v[static_cast<size_t>(((t.row * channels + first + c) * h + iy) * w + ix)] : 0.0;
          }
        }
  }
  return m;
}

Eigen::MatrixXd weight_matrix(const ir::Node& n) {
  const ir::Tensor& t = n.input(1)->constant();
  const ir::Shape& s = t.shape();
  const bool columns_out = n.op_type == "Gemm" && n.attr_int("transB", 0) == 0;
  const int64_t outputs = columns_out ? s[1] : s[0];
  const int64_t inputs = t.num_elements() / outputs;
  const auto v = t.values<float>();
  Eigen::MatrixXd w(outputs, inputs + 1);
  for (int64_t o = 0; o < outputs; ++o)
    for (int64_t i = 0; i < inputs; ++i)
      w(o, i) = v[static_cast<size_t>(columns_out ? i * outputs + o : o * inputs + i)];
  const std::vector<double> bias = n.input(2) ? float_values(n.input(2)) : std::vector<double>{0.0};
  for (int64_t o = 0; o < outputs; ++o) w(o, inputs) = bias[bias.size() == 1 ? 0 : static_cast<size_t>(o)];
  return w;
}

void write_weights(ir::Graph& g, ir::Node* n, const Eigen::MatrixXd& w) {
  const ir::Shape shape = n->input(1)->constant().shape();
  const bool columns_out = n->op_type == "Gemm" && n->attr_int("transB", 0) == 0;
  const int64_t outputs = w.rows(), inputs = w.cols() - 1;
  std::vector<double> weights(static_cast<size_t>(outputs * inputs)), bias(static_cast<size_t>(outputs));
  for (int64_t o = 0; o < outputs; ++o) {
    for (int64_t i = 0; i < inputs; ++i) weights[static_cast<size_t>(columns_out ? i * outputs + o : o * inputs + i)] = w(o, i);
    bias[static_cast<size_t>(o)] = w(o, inputs);
  }
  set_constant_input(g, n, 1, float_tensor(shape, weights), n->name + "_weight");
  const ir::Value* b = n->input(2);
  const ir::Shape bias_shape = b && b->constant().num_elements() == outputs ? b->constant().shape() : ir::Shape{outputs};
  set_constant_input(g, n, 2, float_tensor(bias_shape, bias), n->name + "_bias");
}

}  // namespace tinyc::passes
