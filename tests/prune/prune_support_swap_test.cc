// swap_support on row problems built from correlated input patches: it recovers a planted support
// from a disjoint start, ends where no single exchange helps (checked by solving every exchange
// directly), never drops the bias column and stops at max_swaps.
#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <algorithm>
#include <numeric>
#include <set>

#include "passes/prune/support_swap.h"

using namespace tinyc::passes;

namespace {

constexpr Eigen::Index kSamples = 400, kInputs = 12, kBias = kInputs;

// Patches whose columns share a common part (correlated), the constant 1 of the bias last.
Eigen::MatrixXd correlated_patches(unsigned seed) {
  std::srand(seed);
  const Eigen::MatrixXd common = Eigen::MatrixXd::Random(kSamples, 1);
  Eigen::MatrixXd p(kSamples, kInputs + 1);
  for (Eigen::Index j = 0; j < kInputs; ++j) p.col(j) = 0.5 * common + Eigen::MatrixXd::Random(kSamples, 1);
  p.col(kBias).setOnes();
  return p;
}

// min_w w^T A w - 2 b^T w over w supported on `keep`, solved directly.
double objective(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, const std::vector<Eigen::Index>& keep) {
  const auto k = static_cast<Eigen::Index>(keep.size());
  Eigen::MatrixXd ass(k, k);
  Eigen::VectorXd bs(k);
  for (Eigen::Index i = 0; i < k; ++i) {
    bs(i) = b(keep[static_cast<size_t>(i)]);
    for (Eigen::Index j = 0; j < k; ++j) ass(i, j) = a(keep[static_cast<size_t>(i)], keep[static_cast<size_t>(j)]);
  }
  return -bs.dot(ass.ldlt().solve(bs));
}

std::set<Eigen::Index> as_set(const std::vector<Eigen::Index>& v) { return {v.begin(), v.end()}; }

}  // namespace

TEST_CASE("swap_support recovers a planted support from a disjoint start", "[prune]") {
  const Eigen::MatrixXd p = correlated_patches(3);
  Eigen::VectorXd w_true = Eigen::VectorXd::Zero(kInputs + 1);
  for (Eigen::Index j : {1, 4, 6, 9, 11}) w_true(j) = 0.5 + 0.1 * static_cast<double>(j);
  w_true(kBias) = -0.3;
  const Eigen::VectorXd y = p * w_true;
  const Eigen::MatrixXd a = p.transpose() * p;
  const Eigen::VectorXd b = p.transpose() * y;

  std::vector<Eigen::Index> keep{0, 2, 3, 5, 7, kBias}, zero{1, 4, 6, 8, 9, 10, 11};
  const double start = objective(a, b, keep);
  const int swaps = swap_support(a, b, keep, zero, 20);
  CHECK(swaps == 5);
  CHECK(as_set(keep) == std::set<Eigen::Index>{1, 4, 6, 9, 11, kBias});
  CHECK(keep.back() == kBias);
  // The minimum reaches -|y|^2: the planted weights reproduce y exactly.
  CHECK(objective(a, b, keep) == Approx(-y.squaredNorm()).epsilon(1e-9));
  CHECK(objective(a, b, keep) < start);
}

TEST_CASE("swap_support ends where no single exchange lowers the error and respects max_swaps", "[prune]") {
  const Eigen::MatrixXd p = correlated_patches(8);
  std::srand(21);
  const Eigen::VectorXd y = p * Eigen::VectorXd::Random(kInputs + 1) + 0.3 * Eigen::VectorXd::Random(kSamples);
  Eigen::MatrixXd a = p.transpose() * p;
  a.diagonal().array() += 1e-3 * a.diagonal().mean();  // the ridge a refit adds
  const Eigen::VectorXd b = p.transpose() * y;
  const std::vector<Eigen::Index> first_keep{0, 1, 2, 3, 4, 5, kBias}, first_zero{6, 7, 8, 9, 10, 11};

  std::vector<Eigen::Index> one_keep = first_keep, one_zero = first_zero;
  CHECK(swap_support(a, b, one_keep, one_zero, 1) <= 1);
  CHECK(objective(a, b, one_keep) <= objective(a, b, first_keep));

  std::vector<Eigen::Index> keep = first_keep, zero = first_zero;
  const int swaps = swap_support(a, b, keep, zero, 100);
  CHECK(swaps >= 1);
  CHECK(keep.back() == kBias);
  CHECK(as_set(keep).size() == first_keep.size());
  const double found = objective(a, b, keep);
  CHECK(found < objective(a, b, first_keep));
  for (size_t i = 0; i + 1 < keep.size(); ++i) {
    for (size_t j = 0; j < zero.size(); ++j) {
      std::vector<Eigen::Index> other = keep;
      other[i] = zero[j];
      INFO("exchange " << keep[i] << " for " << zero[j]);
      CHECK(objective(a, b, other) >= found - 1e-9 * std::abs(found));
    }
  }
}
