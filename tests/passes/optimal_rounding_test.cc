// optimal_rounding: weights on the 4- and 8-bit grids, judged by the layer's output error measured
// directly on the input rows (not by the formula the rounding optimizes).
#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <random>

#include "passes/optimal_rounding.h"

using namespace tinyc;

namespace {

// Rows of correlated inputs (as real activations are) with the bias's trailing 1.
Eigen::MatrixXd correlated_rows(Eigen::Index rows, Eigen::Index inputs, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd mix(inputs, inputs), z(rows, inputs);
  for (Eigen::Index i = 0; i < mix.size(); ++i) mix(i) = normal(rng);
  for (Eigen::Index i = 0; i < z.size(); ++i) z(i) = normal(rng);
  Eigen::MatrixXd x(rows, inputs + 1);
  x.leftCols(inputs) = (z * mix).cwiseMax(0.0);  // post-ReLU: non-negative, non-zero mean
  x.col(inputs).setOnes();
  return x;
}

Eigen::MatrixXd random_weights(Eigen::Index outputs, Eigen::Index inputs, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 0.3);
  Eigen::MatrixXd w(outputs, inputs + 1);
  for (Eigen::Index i = 0; i < w.size(); ++i) w(i) = normal(rng);
  return w;
}

// The layer's weights as the int8 executor would read them, bias in the last column.
Eigen::MatrixXd dequantized(const passes::RoundedLayer& r, Eigen::Index outputs, Eigen::Index inputs) {
  Eigen::MatrixXd w(outputs, inputs + 1);
  for (Eigen::Index o = 0; o < outputs; ++o) {
    const float s = r.scales.size() == 1 ? r.scales[0] : r.scales[static_cast<size_t>(o)];
    for (Eigen::Index i = 0; i < inputs; ++i) w(o, i) = s * r.values[static_cast<size_t>(o * inputs + i)];
    w(o, inputs) = r.bias[static_cast<size_t>(o)];
  }
  return w;
}

// |X (W - Wq)^T|^2 / |X W^T|^2 over the rows.
double output_error(const Eigen::MatrixXd& x, const Eigen::MatrixXd& w, const Eigen::MatrixXd& wq) {
  return (x * (w - wq).transpose()).squaredNorm() / (x * w.transpose()).squaredNorm();
}

// The same layer rounded to nearest at max|w| / m, bias unchanged.
Eigen::MatrixXd nearest(const Eigen::MatrixXd& w, int bits, bool per_channel) {
  const double m = bits == 8 ? 127 : 7;
  Eigen::MatrixXd q = w;
  const Eigen::Index inputs = w.cols() - 1;
  const double tensor_max = w.leftCols(inputs).cwiseAbs().maxCoeff();
  for (Eigen::Index o = 0; o < w.rows(); ++o) {
    const auto s = static_cast<float>((per_channel ? w.row(o).head(inputs).cwiseAbs().maxCoeff() : tensor_max) / m);
    for (Eigen::Index i = 0; i < inputs; ++i) q(o, i) = s * std::clamp(std::round(w(o, i) / s), -m, m);
  }
  return q;
}

}  // namespace

TEST_CASE("optimal rounding: at 4 bits the layer's output error on its rows is well below nearest rounding's",
          "[passes][rounding]") {
  const Eigen::Index outputs = 12, inputs = 40;
  const Eigen::MatrixXd x = correlated_rows(2000, inputs, 3);
  const Eigen::MatrixXd w = random_weights(outputs, inputs, 4);
  const Eigen::MatrixXd gram = x.transpose() * x;
  for (bool per_channel : {true, false}) {
    INFO((per_channel ? "per channel" : "per tensor"));
    const passes::RoundedLayer r = passes::round_optimally(w, {gram}, 4, per_channel);
    REQUIRE(r.values.size() == static_cast<size_t>(outputs * inputs));
    CHECK(r.scales.size() == (per_channel ? static_cast<size_t>(outputs) : 1u));
    for (int8_t v : r.values) REQUIRE((v >= -7 && v <= 7));
    const double optimal = output_error(x, w, dequantized(r, outputs, inputs));
    const double plain = output_error(x, w, nearest(w, 4, per_channel));
    CHECK(optimal < 0.5 * plain);
    // The figure it reports is the error measured on the rows.
    CHECK(r.relative_error == Approx(optimal).epsilon(1e-6));
    CHECK(passes::output_relative_error(w, nearest(w, 4, per_channel), {gram}) == Approx(plain).epsilon(1e-6));
  }
}

TEST_CASE("optimal rounding: 8 bits stay within 127 and lose less than 4 bits. The same inputs give the same values",
          "[passes][rounding]") {
  const Eigen::Index outputs = 6, inputs = 30;
  const Eigen::MatrixXd x = correlated_rows(800, inputs, 7);
  const Eigen::MatrixXd w = random_weights(outputs, inputs, 8);
  const Eigen::MatrixXd gram = x.transpose() * x;
  const passes::RoundedLayer r8 = passes::round_optimally(w, {gram}, 8, true);
  const passes::RoundedLayer r4 = passes::round_optimally(w, {gram}, 4, true);
  int top = 0;
  for (int8_t v : r8.values) {
    REQUIRE((v >= -127 && v <= 127));
    top = std::max(top, std::abs(static_cast<int>(v)));
  }
  CHECK(top > 63);  // the 8-bit grid is used, not the 4-bit one
  CHECK(r8.relative_error < 0.01 * r4.relative_error);
  const passes::RoundedLayer again = passes::round_optimally(w, {gram}, 4, true);
  CHECK(again.values == r4.values);
  CHECK(again.scales == r4.scales);
  CHECK(again.bias == r4.bias);
}

TEST_CASE("optimal rounding: each group of outputs reads its own inputs' second moments", "[passes][rounding]") {
  // Two groups of 3 outputs over 9 inputs each (a grouped Conv), inputs drawn differently.
  const Eigen::Index inputs = 9;
  const Eigen::MatrixXd x0 = correlated_rows(1000, inputs, 11), x1 = 5.0 * correlated_rows(1000, inputs, 12);
  Eigen::MatrixXd x1_bias = x1;
  x1_bias.col(inputs).setOnes();
  const Eigen::MatrixXd w = random_weights(6, inputs, 13);
  const passes::RoundedLayer r =
      passes::round_optimally(w, {x0.transpose() * x0, x1_bias.transpose() * x1_bias}, 4, true);
  const Eigen::MatrixXd q = dequantized(r, 6, inputs);
  const double e0 = output_error(x0, w.topRows(3), q.topRows(3));
  const double e1 = output_error(x1_bias, w.bottomRows(3), q.bottomRows(3));
  const double n0 = output_error(x0, w.topRows(3), nearest(w, 4, true).topRows(3));
  const double n1 = output_error(x1_bias, w.bottomRows(3), nearest(w, 4, true).bottomRows(3));
  CHECK(e0 < n0);
  CHECK(e1 < n1);
  // Swapping the groups' moments makes the result worse for the rows each group really reads.
  const passes::RoundedLayer swapped =
      passes::round_optimally(w, {x1_bias.transpose() * x1_bias, x0.transpose() * x0}, 4, true);
  const Eigen::MatrixXd qs = dequantized(swapped, 6, inputs);
  CHECK(output_error(x0, w.topRows(3), qs.topRows(3)) + output_error(x1_bias, w.bottomRows(3), qs.bottomRows(3)) >
        e0 + e1);
}
