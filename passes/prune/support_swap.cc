// The exchange search of swap_support. With H = A_SS^-1 and w = H b_S the minimum is -b_S^T w;
// dropping column i raises it by w_i^2 / H_ii, and then adding column j lowers it by g_j^2 / s_j,
// where g_j = b_j - A_jS w' and s_j = A_jj - A_jS H' A_Sj after the drop (w', H' the downdated
// solution and inverse). With M = A_ZS H both follow from the undropped values in O(1) per pair:
// g'_j = g_j + M_ji w_i / H_ii and s'_j = s_j + M_ji^2 / H_ii.
#include "passes/prune/support_swap.h"

#include <algorithm>
#include <cmath>

namespace tinyc::passes {

namespace {

// The exchange (position in keep, position in zero) that lowers the minimum most, if any does.
struct Exchange {
  Eigen::Index out = -1, in = -1;
};

Exchange best_exchange(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, const std::vector<Eigen::Index>& keep,
                       const std::vector<Eigen::Index>& zero) {
  const auto k = static_cast<Eigen::Index>(keep.size());
  const Eigen::MatrixXd h = a(keep, keep).ldlt().solve(Eigen::MatrixXd::Identity(k, k));
  const Eigen::VectorXd bs = b(keep), w = h * bs;
  const Eigen::MatrixXd azs = a(zero, keep);
  const Eigen::MatrixXd m = azs * h;
  const Eigen::VectorXd g = b(zero) - azs * w;
  const Eigen::VectorXd azz = a.diagonal()(zero);
  const Eigen::VectorXd s = azz - (m.array() * azs.array()).rowwise().sum().matrix();
  // Exchanges must gain more than rounding could fake.
  double best = -1e-12 * std::abs(bs.dot(w));
  Exchange chosen;
  for (Eigen::Index i = 0; i + 1 < k; ++i) {
    const double hii = h(i, i);
    if (!(hii > 0)) continue;
    const double cost = w(i) * w(i) / hii;
    for (Eigen::Index j = 0; j < m.rows(); ++j) {
      const double gj = g(j) + m(j, i) * w(i) / hii, sj = s(j) + m(j, i) * m(j, i) / hii;
      if (!(sj > 1e-12 * azz(j))) continue;  // column j adds nothing the others do not span
      const double change = cost - gj * gj / sj;
      if (change < best) {
        best = change;
        chosen = {i, j};
      }
    }
  }
  return chosen;
}

}  // namespace

int swap_support(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, std::vector<Eigen::Index>& keep,
                 std::vector<Eigen::Index>& zero, int max_swaps) {
  int swaps = 0;
  while (swaps < max_swaps && keep.size() > 1 && !zero.empty()) {
    const Exchange e = best_exchange(a, b, keep, zero);
    if (e.out < 0) break;
    std::swap(keep[static_cast<size_t>(e.out)], zero[static_cast<size_t>(e.in)]);
    ++swaps;
  }
  return swaps;
}

}  // namespace tinyc::passes
