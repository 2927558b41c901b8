// Least-squares refit of a pruned layer (ridge-regularised normal equations, Eigen, double
// precision). Samples are output positions: for a Gemm one per row, for a Conv up to kMaxSamples
// positions drawn evenly over the rows (seeded), each contributing its input patch. Rows are split
// into a fit part and a held-out quarter that picks lambda and decides whether the refit helps.
#include "passes/prune_reconstruct.h"

#include <Eigen/Dense>
#include <algorithm>
#include <numeric>
#include <optional>
#include <random>

#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

constexpr int64_t kMaxSamples = 12000;
constexpr double kLambdas[] = {1e-4, 1e-3, 1e-2, 1e-1, 1.0};  // times the mean diagonal of P^T P
constexpr int64_t kMaskedProbeRows = 16;  // output rows that choose lambda for a masked refit

// Where a layer's input patches come from: one input row (Gemm) or a window of a 2-D image (Conv).
struct PatchGeometry {
  bool conv = false;
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, pt = 0, pl = 0, out_h = 1, out_w = 1;
};

std::optional<PatchGeometry> patch_geometry(const ir::Node& n) {
  PatchGeometry p;
  if (n.op_type == "Gemm")
    return n.attr_int("transA", 0) == 0 && n.attr_float("alpha", 1) == 1 && n.attr_float("beta", 1) == 1
               ? std::optional(p)
               : std::nullopt;
  const ir::Shape& w = n.input(1)->constant().shape();
  if (n.op_type != "Conv" || n.attr_int("group", 1) != 1 || w.size() != 4 ||
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

struct Sample {
  int64_t row, y, x;
};

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

// One patch per sample, plus a trailing 1 for the bias; columns in the weight's (c, ky, kx) order.
Eigen::MatrixXd gather_patches(const PatchGeometry& p, const ir::Tensor& x, const std::vector<Sample>& samples) {
  const ir::Shape& s = x.shape();
  const auto v = x.values<float>();
  const int64_t channels = s[1], h = p.conv ? s[2] : 1, w = p.conv ? s[3] : 1;
  const int64_t width = channels * p.kh * p.kw;
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(samples.size()), width + 1);
  for (size_t i = 0; i < samples.size(); ++i) {
    const Sample& t = samples[i];
    const auto r = static_cast<Eigen::Index>(i);
    m(r, width) = 1.0;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t ky = 0; ky < p.kh; ++ky)
        for (int64_t kx = 0; kx < p.kw; ++kx) {
          const int64_t iy = t.y * p.sh - p.pt + ky * p.dh, ix = t.x * p.sw - p.pl + kx * p.dw;
          if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
          m(r, (c * p.kh + ky) * p.kw + kx) = v[static_cast<size_t>(((t.row * channels + c) * h + iy) * w + ix)];
        }
  }
  return m;
}

// The layer's weights as [outputs, inputs + 1], the bias in the last column.
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

// Normal-equation sums of one set of samples: P^T P, P^T Y and sum Y^2 per output.
struct Normal {
  Eigen::MatrixXd a, b;
  Eigen::VectorXd yy;

  Normal(const Eigen::MatrixXd& p, const Eigen::MatrixXd& y)
      : a(p.transpose() * p), b(p.transpose() * y), yy(y.colwise().squaredNorm().transpose()) {}
  Normal(const Normal& x, const Normal& z) : a(x.a + z.a), b(x.b + z.b), yy(x.yy + z.yy) {}

  // sum |P w_o - y_o|^2 over the given outputs (all when empty), weights as [outputs, inputs + 1].
  double error(const Eigen::MatrixXd& w, const std::vector<Eigen::Index>& outputs) const {
    double e = 0;
    for (Eigen::Index o = 0; o < w.rows(); ++o) {
      if (!selected(outputs, o)) continue;
      const Eigen::VectorXd wo = w.row(o).transpose();
      e += wo.dot(a * wo) - 2 * wo.dot(b.col(o)) + yy(o);
    }
    return e;
  }
  double signal(const std::vector<Eigen::Index>& outputs) const {
    double s = 0;
    for (Eigen::Index o = 0; o < yy.size(); ++o) s += selected(outputs, o) ? yy(o) : 0.0;
    return std::max(s, 1e-30);
  }
  static bool selected(const std::vector<Eigen::Index>& outputs, Eigen::Index o) {
    return outputs.empty() || std::find(outputs.begin(), outputs.end(), o) != outputs.end();
  }
};

double mean_diagonal(const Eigen::MatrixXd& a) { return std::max(a.diagonal().mean(), 1e-12); }

// Dense ridge solution of every output row toward w0.
Eigen::MatrixXd solve_dense(const Normal& n, const Eigen::MatrixXd& w0, double rel) {
  const double lambda = rel * mean_diagonal(n.a);
  Eigen::MatrixXd lhs = n.a;
  lhs.diagonal().array() += lambda;
  const Eigen::MatrixXd rhs = n.b + lambda * w0.transpose();
  return lhs.ldlt().solve(rhs).transpose();
}

// Row o solved over its nonzero weights (and the bias) only; the others stay zero.
void solve_masked_row(const Normal& n, const Eigen::MatrixXd& w0, double rel, Eigen::Index o, Eigen::MatrixXd& w) {
  std::vector<Eigen::Index> keep;
  for (Eigen::Index j = 0; j < w0.cols(); ++j)
    if (w0(o, j) != 0 || j == w0.cols() - 1) keep.push_back(j);
  const auto k = static_cast<Eigen::Index>(keep.size());
  Eigen::MatrixXd lhs(k, k);
  Eigen::VectorXd rhs(k);
  const double lambda = rel * mean_diagonal(n.a);
  for (Eigen::Index i = 0; i < k; ++i) {
    for (Eigen::Index j = 0; j < k; ++j) lhs(i, j) = n.a(keep[i], keep[j]);
    lhs(i, i) += lambda;
    rhs(i) = n.b(keep[i], o) + lambda * w0(o, keep[i]);
  }
  const Eigen::VectorXd x = lhs.ldlt().solve(rhs);
  w.row(o).setZero();
  for (Eigen::Index i = 0; i < k; ++i) w(o, keep[i]) = x(i);
}

Eigen::MatrixXd solve(const Normal& n, const Eigen::MatrixXd& w0, double rel, bool masked,
                      const std::vector<Eigen::Index>& outputs) {
  if (!masked) return solve_dense(n, w0, rel);
  Eigen::MatrixXd w = w0;
  for (Eigen::Index o = 0; o < w0.rows(); ++o)
    if (Normal::selected(outputs, o)) solve_masked_row(n, w0, rel, o, w);
  return w;
}

}  // namespace

LayerRefit refit_layer(ir::Graph& pruned, const std::string& name, const RefitData& data) {
  LayerRefit result;
  result.name = name;
  ir::Node* node = pruned.find_node(name);
  const std::optional<PatchGeometry> geometry = node ? patch_geometry(*node) : std::nullopt;
  if (!geometry) return result;
  const int64_t rows = data.pruned_input.shape()[0];
  const std::vector<Sample> samples = draw_samples(*geometry, rows);
  const Eigen::MatrixXd p = gather_patches(*geometry, data.pruned_input, samples);
  const Eigen::MatrixXd p_original = gather_patches(*geometry, data.original_input, samples);
  const Eigen::MatrixXd w_original = weight_matrix(*data.original);
  Eigen::MatrixXd w_kept(static_cast<Eigen::Index>(data.kept_outputs.size()), w_original.cols());
  for (size_t i = 0; i < data.kept_outputs.size(); ++i)
    w_kept.row(static_cast<Eigen::Index>(i)) = w_original.row(data.kept_outputs[i]);
  const Eigen::MatrixXd y = p_original * w_kept.transpose();
  const Eigen::MatrixXd w0 = weight_matrix(*node);

  // Fit on the rows before the held-out quarter (all rows when there are too few to split).
  const int64_t fit_rows = rows >= 4 ? rows - rows / 4 : rows;
  Eigen::Index split = 0;
  while (split < static_cast<Eigen::Index>(samples.size()) && samples[split].row < fit_rows) ++split;
  const Eigen::Index held = static_cast<Eigen::Index>(samples.size()) - split;
  const Normal fit(p.topRows(split), y.topRows(split));
  const Normal check = held > 0 ? Normal(p.bottomRows(held), y.bottomRows(held)) : fit;

  std::vector<Eigen::Index> probe;
  if (data.masked)
    for (Eigen::Index o = 0; o < w0.rows(); o += std::max<Eigen::Index>(1, w0.rows() / kMaskedProbeRows)) probe.push_back(o);
  const double before = check.error(w0, probe);
  double best = before, best_rel = 0;
  for (double rel : kLambdas) {
    const double e = check.error(solve(fit, w0, rel, data.masked, probe), probe);
    if (e < best) {
      best = e;
      best_rel = rel;
    }
  }
  result.error_before = before / check.signal(probe);
  result.error_after = best / check.signal(probe);
  if (best_rel == 0) return result;
  write_weights(pruned, node, solve(Normal(fit, check), w0, best_rel, data.masked, {}));
  result.applied = true;
  return result;
}

}  // namespace tinyc::passes
