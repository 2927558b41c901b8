// Synthesis terms: Box-Muller draws, softmax cross-entropy and BatchNorm-statistics gradients, Adam.
#include "calib/synthesis_terms.h"

#include <algorithm>
#include <cmath>

namespace tinyc::calib {

double RandomDraws::uniform() { return static_cast<double>(engine_() >> 11) / 9007199254740992.0; }

double RandomDraws::normal() {
  const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) / 9007199254740993.0;  // (0, 1]
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

namespace {

int64_t per_row(const ir::Value& v) {
  int64_t n = 1;
  for (size_t i = 1; i < v.shape->size(); ++i) n *= (*v.shape)[i];
  return n;
}

}  // namespace

int64_t class_count(const ir::Graph& g) {
  if (g.outputs().empty()) return 0;
  const ir::Value* output = g.outputs().front();
  if (!output->shape || output->shape->empty()) return 0;
  const int64_t classes = per_row(*output);
  const bool reconstruction = g.inputs().size() == 1 && g.inputs()[0]->shape && per_row(*g.inputs()[0]) == classes;
  return classes < 2 || classes > kMaxClasses || reconstruction ? 0 : classes;
}

ir::Tensor class_gradient(const ir::Tensor& scores) {
  const int64_t rows = scores.shape()[0], classes = scores.num_elements() / rows;
  ir::Tensor grad(ir::DType::Float32, scores.shape());
  const auto s = scores.values<float>();
  auto g = grad.mutable_values<float>();
  for (int64_t r = 0; r < rows; ++r) {
    const auto row = s.subspan(static_cast<size_t>(r * classes), static_cast<size_t>(classes));
    const double top = *std::max_element(row.begin(), row.end());
    double sum = 0;
    for (float x : row) sum += std::exp(x - top);
    for (int64_t k = 0; k < classes; ++k) {
      const double p = std::exp(row[static_cast<size_t>(k)] - top) / sum;
      g[static_cast<size_t>(r * classes + k)] =
          static_cast<float>((p - (k == r % classes ? 1.0 : 0.0)) / static_cast<double>(rows));
    }
  }
  return grad;
}

void add_statistics_gradient(const ir::Tensor& z, const std::vector<double>& mean, const std::vector<double>& sd,
                             double weight, ir::Tensor& grad) {
  const auto zv = z.values<float>();
  auto g = grad.mutable_values<float>();
  const auto channels = mean.size();
  const size_t rows = static_cast<size_t>(z.shape()[0]), plane = zv.size() / (rows * channels);
  const double count = static_cast<double>(rows * plane);
  for (size_t c = 0; c < channels; ++c) {
    double sum = 0, squares = 0;
    for (size_t r = 0; r < rows; ++r)
      for (size_t i = 0; i < plane; ++i) {
        const double x = zv[(r * channels + c) * plane + i];
        sum += x;
        squares += x * x;
      }
    const double m = sum / count, s = std::sqrt(std::max(squares / count - m * m, 1e-12));
    const double scale = std::max(std::abs(sd[c]), 1e-6);
    const double k = weight / static_cast<double>(channels) / (scale * scale);
    const double d_mean = 2.0 * k * (m - mean[c]) / count, d_sd = 2.0 * k * (s - scale) / (count * s);
    for (size_t r = 0; r < rows; ++r)
      for (size_t i = 0; i < plane; ++i) {
        const size_t e = (r * channels + c) * plane + i;
        g[e] += static_cast<float>(d_mean + d_sd * (zv[e] - m));
      }
  }
}

void Adam::step(std::span<float> parameters, std::span<const float> g, const std::function<double(size_t)>& rate) {
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
  ++steps_;
  const double correction1 = 1.0 - std::pow(kBeta1, steps_), correction2 = 1.0 - std::pow(kBeta2, steps_);
  for (size_t e = 0; e < parameters.size(); ++e) {
    first_[e] = kBeta1 * first_[e] + (1 - kBeta1) * g[e];
    second_[e] = kBeta2 * second_[e] + (1 - kBeta2) * g[e] * g[e];
    parameters[e] -=
        static_cast<float>(rate(e) * (first_[e] / correction1) / (std::sqrt(second_[e] / correction2) + kEpsilon));
  }
}

}  // namespace tinyc::calib
