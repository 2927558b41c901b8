// obs_prune against zeroing by magnitude on inputs of very different scales: it zeroes exactly the
// asked count (never the bias), and both its own compensated weights and the best weights for its
// zeros (masked least squares) reproduce the layer's outputs far better than the magnitude choice.
#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <algorithm>
#include <numeric>

#include "passes/prune/obs.h"

using namespace tinyc::passes;

namespace {

constexpr Eigen::Index kSamples = 600, kInputs = 40, kOutputs = 12;

// Input patches whose columns have scales from 0.05 to 20 and share a common part (correlated), with
// the constant 1 of the bias in the last column.
Eigen::MatrixXd scaled_inputs() {
  std::srand(5);
  const Eigen::MatrixXd common = Eigen::MatrixXd::Random(kSamples, 1);
  Eigen::MatrixXd x(kSamples, kInputs + 1);
  for (Eigen::Index j = 0; j < kInputs; ++j) {
    const double scale = 0.05 * std::pow(400.0, static_cast<double>(j) / (kInputs - 1));
    x.col(j) = scale * (0.5 * common + Eigen::MatrixXd::Random(kSamples, 1));
  }
  x.col(kInputs).setOnes();
  return x;
}

// The `zeros` weights of least |w| set to zero, nothing else changed.
Eigen::MatrixXd magnitude_zeros(Eigen::MatrixXd w, int64_t zeros) {
  std::vector<Eigen::Index> order(static_cast<size_t>(w.rows() * kInputs));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  const auto at = [&](Eigen::Index e) -> double& { return w(e / kInputs, e % kInputs); };
  std::sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return std::fabs(at(a)) < std::fabs(at(b)); });
  for (int64_t i = 0; i < zeros; ++i) at(order[static_cast<size_t>(i)]) = 0;
  return w;
}

// The best weights with the zeros of `mask` kept at zero: each output solved over its other columns.
Eigen::MatrixXd masked_least_squares(const Eigen::MatrixXd& x, const Eigen::MatrixXd& w, const Eigen::MatrixXd& mask) {
  Eigen::MatrixXd best = Eigen::MatrixXd::Zero(w.rows(), w.cols());
  for (Eigen::Index r = 0; r < w.rows(); ++r) {
    std::vector<Eigen::Index> keep;
    for (Eigen::Index j = 0; j < w.cols(); ++j)
      if (mask(r, j) != 0 || j == kInputs) keep.push_back(j);
    Eigen::MatrixXd xs(x.rows(), static_cast<Eigen::Index>(keep.size()));
    for (size_t i = 0; i < keep.size(); ++i) xs.col(static_cast<Eigen::Index>(i)) = x.col(keep[i]);
    const Eigen::VectorXd solved = xs.colPivHouseholderQr().solve(x * w.row(r).transpose());
    for (size_t i = 0; i < keep.size(); ++i) best(r, keep[i]) = solved(static_cast<Eigen::Index>(i));
  }
  return best;
}

double output_error(const Eigen::MatrixXd& x, const Eigen::MatrixXd& w, const Eigen::MatrixXd& pruned) {
  return (x * (pruned - w).transpose()).squaredNorm() / (x * w.transpose()).squaredNorm();
}

int64_t zero_count(const Eigen::MatrixXd& w) { return (w.leftCols(kInputs).array() == 0).count(); }

}  // namespace

TEST_CASE("obs_prune zeroes the asked count and keeps the outputs far closer than magnitude", "[prune]") {
  const Eigen::MatrixXd x = scaled_inputs();
  std::srand(9);
  const Eigen::MatrixXd w = Eigen::MatrixXd::Random(kOutputs, kInputs + 1);
  const std::vector<Eigen::MatrixXd> factors{obs_factor(x.transpose() * x)};
  for (int64_t zeros : {48, 240, 400}) {
    INFO(zeros << " zeros");
    const Eigen::MatrixXd obs = obs_prune(factors, w, zeros);
    const Eigen::MatrixXd magnitude = magnitude_zeros(w, zeros);
    CHECK(zero_count(obs) == zeros);
    CHECK((obs.col(kInputs).array() != 0).all());
    const double e_obs = output_error(x, w, obs);
    const double e_obs_best = output_error(x, w, masked_least_squares(x, w, obs));
    const double e_magnitude_best = output_error(x, w, masked_least_squares(x, w, magnitude));
    INFO("obs " << e_obs << ", obs zeros refit " << e_obs_best << ", magnitude zeros refit " << e_magnitude_best);
    CHECK(e_obs_best <= e_obs * (1 + 1e-9));
    CHECK(e_obs < 0.25 * output_error(x, w, magnitude));
    CHECK(e_obs_best < 0.25 * e_magnitude_best);
  }
}

TEST_CASE("obs_prune uses each group's own factor", "[prune]") {
  // Two groups of 6 outputs: the first reads inputs growing in scale, the second the same inputs in
  // reverse column order, so the cheap columns differ between the groups.
  const Eigen::MatrixXd x = scaled_inputs();
  Eigen::MatrixXd reversed = x;
  for (Eigen::Index j = 0; j < kInputs; ++j) reversed.col(j) = x.col(kInputs - 1 - j);
  std::srand(4);
  const Eigen::MatrixXd w = Eigen::MatrixXd::Random(kOutputs, kInputs + 1);
  const int64_t zeros = 200;
  const Eigen::MatrixXd pruned =
      obs_prune({obs_factor(x.transpose() * x), obs_factor(reversed.transpose() * reversed)}, w, zeros);
  CHECK(zero_count(pruned) == zeros);
  // Group 1 zeroes mostly small-scale (left) columns, group 2 mostly right ones.
  const auto left = [&](Eigen::Index first) {
    return (pruned.block(first, 0, kOutputs / 2, kInputs / 2).array() == 0).count();
  };
  const auto right = [&](Eigen::Index first) {
    return (pruned.block(first, kInputs / 2, kOutputs / 2, kInputs / 2).array() == 0).count();
  };
  CHECK(left(0) > 3 * right(0));
  CHECK(right(kOutputs / 2) > 3 * left(kOutputs / 2));
}
