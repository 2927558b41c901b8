// Softmax/LogSoftmax (opset < 13 coerces to 2-D, opset >= 13 normalizes one axis) and
// BatchNormalization and LayerNormalization against direct formulas.
#include <catch2/catch.hpp>

#include <cmath>

#include "exec_test_util.h"
#include "ir/error.h"

using namespace tinyc;
using namespace tinyc::exec_test;

namespace {

// Softmax over groups of `n` elements `inner` apart, in double.
std::vector<double> direct_softmax(const std::vector<float>& x, int64_t outer, int64_t n, int64_t inner, bool log) {
  std::vector<double> y(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += std::exp(double(x[(o * n + k) * inner + i]));
      for (int64_t k = 0; k < n; ++k) {
        const size_t at = static_cast<size_t>((o * n + k) * inner + i);
        y[at] = log ? x[at] - std::log(sum) : std::exp(double(x[at])) / sum;
      }
    }
  return y;
}

double worst(const std::vector<float>& got, const std::vector<double>& want) {
  double w = 0;
  for (size_t i = 0; i < got.size(); ++i) w = std::max(w, std::fabs(got[i] - want[i]));
  return got.size() == want.size() ? w : INFINITY;
}

}  // namespace

TEST_CASE("Softmax: axis semantics before and after opset 13", "[exec][kernels][softmax]") {
  const ir::Tensor x = random_tensor({2, 3, 4}, 21, -3, 3);
  const std::vector<float> v = values(x);
  for (bool log : {false, true}) {
    const std::string op = log ? "LogSoftmax" : "Softmax";
    DYNAMIC_SECTION(op) {
      // Opset 13: only dim 1 is normalized (3 elements, 4 apart); default axis -1.
      CHECK(worst(values(run1(op, {in(x)}, {{"axis", int64_t{1}}}, 13)), direct_softmax(v, 2, 3, 4, log)) < 1e-6);
      CHECK(worst(values(run1(op, {in(x)}, {}, 13)), direct_softmax(v, 6, 4, 1, log)) < 1e-6);
      // Opset 11: axis 1 flattens dims 1.. into one row of 12; the default axis is 1.
      CHECK(worst(values(run1(op, {in(x)}, {{"axis", int64_t{1}}}, 11)), direct_softmax(v, 2, 12, 1, log)) < 1e-6);
      CHECK(worst(values(run1(op, {in(x)}, {}, 11)), direct_softmax(v, 2, 12, 1, log)) < 1e-6);
      CHECK(worst(values(run1(op, {in(x)}, {{"axis", int64_t{0}}}, 11)), direct_softmax(v, 1, 24, 1, log)) < 1e-6);
    }
  }
  // Large logits: subtracting the max keeps exp finite.
  const auto big = values(run1("Softmax", {in(floats({1, 3}, {1000, 1001, 1002}))}));
  CHECK(big[2] == Approx(std::exp(0.0) / (std::exp(-2.0) + std::exp(-1.0) + 1)));
  CHECK_THROWS_AS(run1("Softmax", {in(x)}, {{"axis", int64_t{3}}}), InputError);
}

TEST_CASE("BatchNormalization: per-channel affine from running statistics", "[exec][kernels][batchnorm]") {
  const ir::Tensor x = random_tensor({2, 3, 4, 5}, 30);
  const ir::Tensor scale = random_tensor({3}, 31), bias = random_tensor({3}, 32), mean = random_tensor({3}, 33);
  const ir::Tensor var = random_tensor({3}, 34, 0.1f, 2.0f);
  const float eps = 1e-3f;
  const ir::Tensor y = run1("BatchNormalization", {in(x), constant(scale), constant(bias), constant(mean), constant(var)},
                            {{"epsilon", eps}});
  const auto X = x.values<float>(), Y = y.values<float>();
  double w = 0;
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    const int64_t c = (i / 20) % 3;
    const double want = (X[i] - mean.values<float>()[c]) / std::sqrt(double(var.values<float>()[c]) + eps) *
                            scale.values<float>()[c] +
                        bias.values<float>()[c];
    w = std::max(w, std::fabs(Y[i] - want));
  }
  CHECK(w < 1e-5);
  // [N, C] inputs (after a Gemm) work the same way.
  const ir::Tensor x2 = floats({1, 2}, {1, 2});
  const ir::Tensor two = floats({2}, {2, 2}), zero = floats({2}, {0, 0}), one = floats({2}, {1, 1});
  CHECK(values(run1("BatchNormalization", {in(x2), constant(two), constant(one), constant(zero), constant(one)},
                    {{"epsilon", 0.0f}})) == Floats{3, 5});
  CHECK_THROWS_AS(run1("BatchNormalization",
                       {in(x2), constant(two), constant(one), constant(zero), constant(one)},
                       {{"training_mode", int64_t{1}}}, 15),
                  InputError);
}

TEST_CASE("LayerNormalization: rows from axis on, a broadcast Scale, no B, and Scale that does not broadcast",
          "[exec][kernels][layernorm]") {
  const ir::Tensor x = random_tensor({2, 3, 4}, 40);
  const ir::Tensor scale = random_tensor({4}, 41);  // broadcast over the 3 x 4 rows of axis 1
  const float eps = 1e-3f;
  const ir::Tensor y = run1("LayerNormalization", {in(x), constant(scale)}, {{"axis", int64_t{1}}, {"epsilon", eps}}, 17);
  const auto X = x.values<float>(), Y = y.values<float>(), S = scale.values<float>();
  double w = 0;
  for (int64_t r = 0; r < 2; ++r) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < 12; ++i) mean += X[r * 12 + i] / 12.0;
    for (int64_t i = 0; i < 12; ++i) var += (X[r * 12 + i] - mean) * (X[r * 12 + i] - mean) / 12.0;
    for (int64_t i = 0; i < 12; ++i)
      w = std::max(w, std::fabs(Y[r * 12 + i] - (X[r * 12 + i] - mean) / std::sqrt(var + eps) * S[i % 4]));
  }
  CHECK(w < 1e-5);
  CHECK_THROWS_WITH(run1("LayerNormalization", {in(x), constant(random_tensor({3}, 42))}, {}, 17),
                    Catch::Contains("does not broadcast to the normalized dims"));
}
