// Least-squares refit of a pruned layer (ridge-regularised normal equations, Eigen, double
// precision). Samples are output positions: for a Gemm one per row, for a Conv up to kMaxSamples
// positions drawn evenly over the rows (seeded), each contributing its input patch. Rows are split
// into a fit part and a held-out quarter that picks lambda and decides whether the refit helps.
#include "passes/prune/reconstruct.h"

#include <Eigen/Dense>
#include <algorithm>
#include <numeric>
#include <optional>
#include <random>

#include "passes/prune/obs.h"
#include "passes/prune/patches.h"
#include "passes/prune/support_swap.h"
#include "passes/rewrite_util.h"
#include "passes/transposed_product.h"

namespace tinyc::passes {

namespace {

constexpr double kLambdas[] = {1e-4, 1e-3, 1e-2, 1e-1, 1.0};  // times the mean diagonal of P^T P
constexpr int64_t kMaskedProbeRows = 16;  // output rows that choose lambda for a masked refit
constexpr double kSweepLambda = 1e-3;     // ridge of the dense fit a masked refit re-chooses its zeros from
constexpr int kMaxSwaps = 8;              // support exchanges per row of a masked refit

// Normal-equation sums of one set of samples: P^T P, P^T Y and sum Y^2 per output.
struct Normal {
  Eigen::MatrixXd a, b;
  Eigen::VectorXd yy;

  Normal(const Eigen::MatrixXd& p, const Eigen::MatrixXd& y)
      : a(gram(p)), b(transposed_product(p, y)), yy(y.colwise().squaredNorm().transpose()) {}
  Normal(const Normal& x, const Normal& z) : a(x.a + z.a), b(x.b + z.b), yy(x.yy + z.yy) {}

  // sum |P w_o - y_o|^2 over `outputs`, weights as [outputs, inputs + 1].
  double error(const Eigen::MatrixXd& w, const std::vector<Eigen::Index>& outputs) const {
    double e = 0;
    for (Eigen::Index o : outputs) {
      const Eigen::VectorXd wo = w.row(o).transpose();
      e += wo.dot(a * wo) - 2 * wo.dot(b.col(o)) + yy(o);
    }
    return e;
  }
  double signal(const std::vector<Eigen::Index>& outputs) const {
    double s = 0;
    for (Eigen::Index o : outputs) s += yy(o);
    return s;
  }
};

double mean_diagonal(const Eigen::MatrixXd& a) { return std::max(a.diagonal().mean(), 1e-12); }

// Dense ridge solution of every output row toward w0.
// P^T P + lambda I.
Eigen::MatrixXd ridge_matrix(const Normal& n, double lambda) {
  Eigen::MatrixXd ridge = n.a;
  ridge.diagonal().array() += lambda;
  return ridge;
}

Eigen::MatrixXd solve_dense(const Normal& n, const Eigen::MatrixXd& w0, double rel) {
  const double lambda = rel * mean_diagonal(n.a);
  const Eigen::MatrixXd rhs = n.b + lambda * w0.transpose();
  return ridge_matrix(n, lambda).ldlt().solve(rhs).transpose();
}

// Row o solved over its nonzero weights (and the bias) only, after up to kMaxSwaps exchanges of a
// nonzero weight for a zero one that lower the row's error; the others stay zero. `ridge` is
// P^T P + lambda I, `rhs` the row's P^T y_o + lambda w0_o.
void solve_masked_row(const Eigen::MatrixXd& ridge, const Eigen::VectorXd& rhs, const Eigen::MatrixXd& w0,
                      Eigen::Index o, Eigen::MatrixXd& w) {
  std::vector<Eigen::Index> keep, zero;
  for (Eigen::Index j = 0; j < w0.cols(); ++j) (w0(o, j) != 0 || j == w0.cols() - 1 ? keep : zero).push_back(j);
  if (w0.cols() <= kMaxSwapColumns) swap_support(ridge, rhs, keep, zero, kMaxSwaps);
  const Eigen::VectorXd x = ridge(keep, keep).ldlt().solve(rhs(keep));
  w.row(o).setZero();
  w(o, keep) = x.transpose();
}

// The refitted weights; with `masked` only the rows in `outputs` are solved (the rest keep w0), and
// rows without zeros are solved together as dense rows.
Eigen::MatrixXd solve(const Normal& n, const Eigen::MatrixXd& w0, double rel, bool masked,
                      const std::vector<Eigen::Index>& outputs) {
  if (!masked) return solve_dense(n, w0, rel);
  const double lambda = rel * mean_diagonal(n.a);
  const Eigen::MatrixXd ridge = ridge_matrix(n, lambda);
  Eigen::MatrixXd w = w0;
  std::vector<Eigen::Index> dense_rows;
  for (Eigen::Index o : outputs) {
    if ((w0.row(o).array() == 0).any())
      solve_masked_row(ridge, n.b.col(o) + lambda * w0.row(o).transpose(), w0, o, w);
    else
      dense_rows.push_back(o);
  }
  if (dense_rows.empty()) return w;
  const Eigen::MatrixXd dense = solve_dense(n, w0, rel);
  for (Eigen::Index o : dense_rows) w.row(o) = dense.row(o);
  return w;
}

std::vector<Eigen::Index> all_rows(const Eigen::MatrixXd& w) {
  std::vector<Eigen::Index> rows(static_cast<size_t>(w.rows()));
  std::iota(rows.begin(), rows.end(), Eigen::Index{0});
  return rows;
}

int64_t zero_weights(const Eigen::MatrixXd& w) { return (w.leftCols(w.cols() - 1).array() == 0).count(); }

// One group of a layer (the whole layer for group 1): normal equations of the fit rows and of the
// held-out rows, the group's current weights, the weights a masked refit may start from instead
// (the dense fit with as many zeros as now, re-chosen by obs_prune), and the outputs whose held-out
// error picks lambda and the start.
struct GroupProblem {
  Normal fit, check;
  Eigen::MatrixXd w0, obs_start;
  std::vector<Eigen::Index> probe;

  const Eigen::MatrixXd& start(bool obs) const { return obs ? obs_start : w0; }
};

std::vector<GroupProblem> group_problems(const PatchGeometry& geometry, const ir::Node& node, const RefitData& data) {
  const int64_t rows = data.pruned_input->shape()[0];
  const std::vector<Sample> samples = draw_samples(geometry, rows);
  // Fit on the rows before the held-out quarter (all rows when there are too few to split).
  const int64_t fit_rows = rows >= 4 ? rows - rows / 4 : rows;
  Eigen::Index split = 0;
  while (split < static_cast<Eigen::Index>(samples.size()) && samples[split].row < fit_rows) ++split;
  const Eigen::Index held = static_cast<Eigen::Index>(samples.size()) - split;

  const Eigen::MatrixXd w_original = weight_matrix(*data.original);
  const Eigen::MatrixXd w_current = weight_matrix(node);
  const int64_t outputs = w_current.rows() / geometry.groups;
  const int64_t original_groups = data.original->attr_int("group", 1);
  const int64_t original_outputs = w_original.rows() / original_groups;
  const int64_t probe_step = std::max<int64_t>(1, w_current.rows() / kMaskedProbeRows);
  std::vector<GroupProblem> problems;
  for (int64_t g = 0; g < geometry.groups; ++g) {
    const int64_t original_group = data.kept_outputs[static_cast<size_t>(g * outputs)] / original_outputs;
    const Eigen::MatrixXd p = gather_patches(geometry, *data.pruned_input, samples, geometry.groups, g);
    const Eigen::MatrixXd p_original =
        gather_patches(geometry, *data.original_input, samples, original_groups, original_group);
    if (p.cols() != w_current.cols() || p_original.cols() != w_original.cols())
      throw InternalError("refit of '" + node.name + "': its inputs do not have the channels its weights read");
    Eigen::MatrixXd w_kept(outputs, w_original.cols());
    std::vector<Eigen::Index> probe;
    for (int64_t o = 0; o < outputs; ++o) {
      w_kept.row(o) = w_original.row(data.kept_outputs[static_cast<size_t>(g * outputs + o)]);
      if (!data.masked || (g * outputs + o) % probe_step == 0) probe.push_back(o);
    }
    const Eigen::MatrixXd y = p_original * w_kept.transpose();
    Normal fit(p.topRows(split), y.topRows(split));
    Normal check = held > 0 ? Normal(p.bottomRows(held), y.bottomRows(held)) : fit;
    const Eigen::MatrixXd w0 = w_current.middleRows(g * outputs, outputs);
    const int64_t zeros = data.masked ? zero_weights(w0) : 0;
    Eigen::MatrixXd obs_start = zeros > 0 ? obs_prune({obs_factor(fit.a)}, solve_dense(fit, w0, kSweepLambda), zeros) : w0;
    problems.push_back({std::move(fit), std::move(check), w0, std::move(obs_start), std::move(probe)});
  }
  return problems;
}

// How a layer is refitted: the ridge weight (relative to the mean diagonal of P^T P) and, for a
// masked refit, whether it starts from the obs_prune zeros instead of the current ones.
struct RefitChoice {
  double rel = 0;
  bool obs = false;
};

// Held-out error of every group's probe outputs: with the current weights (no choice) or refitted.
double held_out_error(const std::vector<GroupProblem>& problems, const std::optional<RefitChoice>& choice,
                      bool masked) {
  double e = 0;
  for (const GroupProblem& q : problems)
    e += q.check.error(choice ? solve(q.fit, q.start(choice->obs), choice->rel, masked, q.probe) : q.w0, q.probe);
  return e;
}

}  // namespace

LayerRefit refit_layer(ir::Graph& pruned, const std::string& name, const RefitData& data) {
  LayerRefit result;
  result.name = name;
  ir::Node* node = pruned.find_node(name);
  const std::optional<PatchGeometry> geometry = node ? patch_geometry(*node) : std::nullopt;
  if (!geometry) return result;
  const std::vector<GroupProblem> problems = group_problems(*geometry, *node, data);
  double signal = 0;
  for (const GroupProblem& q : problems) signal += q.check.signal(q.probe);
  signal = std::max(signal, 1e-30);

  const double before = held_out_error(problems, std::nullopt, data.masked);
  double best = before;
  std::optional<RefitChoice> chosen;
  for (bool obs : {false, true}) {
    if (obs && !data.masked) break;
    for (double rel : kLambdas) {
      const double e = held_out_error(problems, RefitChoice{rel, obs}, data.masked);
      if (e < best) {
        best = e;
        chosen = RefitChoice{rel, obs};
      }
    }
  }
  result.error_before = before / signal;
  result.error_after = best / signal;
  if (!chosen) return result;
  Eigen::MatrixXd w(static_cast<Eigen::Index>(problems.size()) * problems.front().w0.rows(), problems.front().w0.cols());
  Eigen::Index first = 0;
  for (const GroupProblem& q : problems) {
    w.middleRows(first, q.w0.rows()) =
        solve(Normal(q.fit, q.check), q.start(chosen->obs), chosen->rel, data.masked, all_rows(q.w0));
    first += q.w0.rows();
  }
  write_weights(pruned, node, w);
  result.applied = true;
  return result;
}

}  // namespace tinyc::passes
