// The scale search and the error-feedback sweep of round_optimally. Rounding column j of the rows
// that share a factor U (U^T U = H^-1, columns in sweep order) costs err_j = (w_j - s q_j) / U_jj,
// and w_j+1.. -= err_j U_j,j+1.. keeps the rows' outputs as close to the float outputs as the
// columns not yet rounded allow; the bias column is last and never rounded, so it takes what is left.
#include "passes/optimal_rounding.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "exec/int8_reference/quant_math.h"
#include "passes/prune/obs.h"

namespace tinyc::passes {

namespace {

constexpr int kScaleSteps = 26;  // factors 1.00, 0.98, ..., 0.50 of the largest-|w| scale

double clamp_round(double x, double level) { return std::clamp(std::round(x), -level, level); }

// Which gram matrix output r reads.
size_t group_of(Eigen::Index r, Eigen::Index outputs, size_t groups) {
  return static_cast<size_t>(r / (outputs / static_cast<Eigen::Index>(groups)));
}

double max_abs(const Eigen::MatrixXd& w, Eigen::Index first, Eigen::Index count) {
  return w.block(first, 0, count, w.cols() - 1).cwiseAbs().maxCoeff();
}

// The scale of rows [first, first + count): the factor of base = max|w| / m with the least
// sum over the rows of sum_i H_ii (w_i - s round(w_i / s))^2.
float search_scale(const Eigen::MatrixXd& w, Eigen::Index first, Eigen::Index count,
                   const std::vector<Eigen::MatrixXd>& grams, double level) {
  const double base = max_abs(w, first, count) / level;
  if (!(static_cast<float>(base) > 0.0f)) return 1.0f;
  float best_scale = static_cast<float>(base);
  double best_cost = INFINITY;
  for (int k = 0; k < kScaleSteps; ++k) {
    const auto s = static_cast<float>(base * (1.0 - 0.02 * k));
    if (!(s > 0.0f)) break;
    double cost = 0;
    for (Eigen::Index r = first; r < first + count; ++r) {
      const Eigen::MatrixXd& h = grams[group_of(r, w.rows(), grams.size())];
      for (Eigen::Index i = 0; i + 1 < w.cols(); ++i) {
        const double e = w(r, i) - s * clamp_round(w(r, i) / s, level);
        cost += h(i, i) * e * e;
      }
    }
    if (cost < best_cost) {
      best_cost = cost;
      best_scale = s;
    }
  }
  return best_scale;
}

}  // namespace

RoundedLayer round_optimally(const Eigen::MatrixXd& w, const std::vector<Eigen::MatrixXd>& grams, int bits,
                             bool per_channel) {
  const Eigen::Index outputs = w.rows(), inputs = w.cols() - 1;
  const auto level = static_cast<double>(exec::int8_reference::weight_max(bits));
  RoundedLayer out;
  std::vector<float> row_scale(static_cast<size_t>(outputs));
  if (per_channel) {
    for (Eigen::Index r = 0; r < outputs; ++r) row_scale[static_cast<size_t>(r)] = search_scale(w, r, 1, grams, level);
    out.scales = row_scale;
  } else {
    out.scales = {search_scale(w, 0, outputs, grams, level)};
    row_scale.assign(row_scale.size(), out.scales[0]);
  }
  Eigen::MatrixXd rounded(outputs, inputs + 1);
  out.values.resize(static_cast<size_t>(outputs * inputs));
  const Eigen::Index rows_per_group = outputs / static_cast<Eigen::Index>(grams.size());
  for (size_t g = 0; g < grams.size(); ++g) {
    // Columns in order of falling input energy (the bias last): the weights that matter most are
    // rounded first, while the most columns remain to take their error.
    const Eigen::MatrixXd& h = grams[g];
    std::vector<Eigen::Index> order(static_cast<size_t>(inputs + 1));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    std::stable_sort(order.begin(), order.end() - 1, [&](Eigen::Index a, Eigen::Index b) { return h(a, a) > h(b, b); });
    Eigen::MatrixXd permuted_gram(inputs + 1, inputs + 1);
    for (Eigen::Index a = 0; a <= inputs; ++a)
      for (Eigen::Index b = 0; b <= inputs; ++b) permuted_gram(a, b) = h(order[a], order[b]);
    const Eigen::MatrixXd u = obs_factor(permuted_gram);
    const Eigen::Index first = static_cast<Eigen::Index>(g) * rows_per_group;
    Eigen::MatrixXd block(rows_per_group, inputs + 1);
    for (Eigen::Index k = 0; k <= inputs; ++k) block.col(k) = w.block(first, order[k], rows_per_group, 1);
    Eigen::VectorXd err(rows_per_group);
    for (Eigen::Index k = 0; k < inputs; ++k) {
      const Eigen::Index j = order[k];
      for (Eigen::Index i = 0; i < rows_per_group; ++i) {
        const Eigen::Index r = first + i;
        const double s = row_scale[static_cast<size_t>(r)];
        const double q = clamp_round(block(i, k) / s, level);
        out.values[static_cast<size_t>(r * inputs + j)] = static_cast<int8_t>(q);
        rounded(r, j) = s * q;
        err(i) = (block(i, k) - rounded(r, j)) / u(k, k);
      }
      block.rightCols(inputs - k).noalias() -= err * u.row(k).tail(inputs - k);
    }
    rounded.block(first, inputs, rows_per_group, 1) = block.col(inputs);
  }
  out.bias.assign(rounded.col(inputs).data(), rounded.col(inputs).data() + outputs);
  out.relative_error = output_relative_error(w, rounded, grams);
  return out;
}

double output_relative_error(const Eigen::MatrixXd& w, const Eigen::MatrixXd& rounded,
                             const std::vector<Eigen::MatrixXd>& grams) {
  double error = 0, energy = 0;
  for (Eigen::Index r = 0; r < w.rows(); ++r) {
    const Eigen::MatrixXd& h = grams[group_of(r, w.rows(), grams.size())];
    const Eigen::RowVectorXd d = w.row(r) - rounded.row(r);
    error += d * h * d.transpose();
    energy += w.row(r) * h * w.row(r).transpose();
  }
  return energy > 0 ? error / energy : 0.0;
}

}  // namespace tinyc::passes
