// The column sweep of obs_prune. Zeroing w_rj with the columns before j already fixed costs
// w_rj^2 / U_jj^2 and is compensated exactly by w_r,j.. -= (w_rj / U_jj) U_j,j.. (the OBS update
// restricted to the columns not yet visited).
#include "passes/prune/obs.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tinyc::passes {

namespace {

constexpr Eigen::Index kBlock = 128;  // columns whose zeros are chosen together
constexpr double kDamping = 0.01;     // times the mean diagonal of the gram matrix

}  // namespace

Eigen::MatrixXd obs_factor(const Eigen::MatrixXd& gram) {
  Eigen::MatrixXd h = gram;
  const double damping = kDamping * std::max(h.diagonal().mean(), 1e-12);
  for (Eigen::Index j = 0; j < h.rows(); ++j) h(j, j) = h(j, j) > 0 ? h(j, j) + damping : 1.0;
  const Eigen::MatrixXd inverse = h.llt().solve(Eigen::MatrixXd::Identity(h.rows(), h.cols()));
  return inverse.llt().matrixU();
}

Eigen::MatrixXd obs_prune(const std::vector<Eigen::MatrixXd>& factors, Eigen::MatrixXd w, int64_t zeros) {
  const Eigen::Index columns = w.cols(), weights = columns - 1, rows = w.rows();
  if (zeros <= 0 || weights <= 0) return w;
  const Eigen::Index rows_per_factor = rows / static_cast<Eigen::Index>(factors.size());
  const auto factor = [&](Eigen::Index r) -> const Eigen::MatrixXd& {
    return factors[static_cast<size_t>(r / rows_per_factor)];
  };
  const double share = static_cast<double>(zeros) / static_cast<double>(rows * weights);
  int64_t done = 0;
  std::vector<Eigen::Index> order;
  for (Eigen::Index first = 0; first < weights; first += kBlock) {
    const Eigen::Index end = std::min(first + kBlock, weights), width = end - first;
    const int64_t due = std::min<int64_t>(zeros, std::llround(share * static_cast<double>(rows * end)));
    const auto take = static_cast<size_t>(due - done);
    done = due;
    // Element e of the block is weight (e / width, first + e % width).
    order.resize(static_cast<size_t>(rows * width));
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    const auto cost = [&](Eigen::Index e) {
      const Eigen::Index r = e / width, j = first + e % width;
      const double u = factor(r)(j, j);
      return w(r, j) * w(r, j) / (u * u);
    };
    std::nth_element(order.begin(), order.begin() + static_cast<long>(take), order.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return cost(a) < cost(b); });
    std::sort(order.begin(), order.begin() + static_cast<long>(take), [&](Eigen::Index a, Eigen::Index b) {
      return a % width < b % width || (a % width == b % width && a < b);
    });
    for (size_t i = 0; i < take; ++i) {  // column by column, so each update sees the columns before it fixed
      const Eigen::Index r = order[i] / width, j = first + order[i] % width;
      const Eigen::MatrixXd& u = factor(r);
      w.row(r).tail(columns - j) -= (w(r, j) / u(j, j)) * u.row(j).tail(columns - j);
      w(r, j) = 0;
    }
  }
  return w;
}

}  // namespace tinyc::passes
