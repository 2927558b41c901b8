// The pieces both row syntheses (head_synthesis.h, input_synthesis.h) are built of: a reproducible
// normal draw, the two loss terms (class scores, BatchNorm statistics) as gradients, and Adam.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <vector>

#include "ir/graph.h"

namespace tinyc::calib {

// Uniform and standard normal (Box-Muller) draws from a generator whose output the C++ standard
// fixes, so a seed gives the same rows on every platform.
class RandomDraws {
 public:
  explicit RandomDraws(uint64_t seed) : engine_(seed) {}
  double uniform();  // [0, 1)
  double normal();

 private:
  std::mt19937_64 engine_;
};

// K when the graph's first output holds 2 <= K <= kMaxClasses values per row and is not a
// reconstruction (as many values as the single input): class scores a synthesis can aim at; else 0.
inline constexpr int64_t kMaxClasses = 100;
int64_t class_count(const ir::Graph& g);

// The gradient, with respect to the scores [rows x K], of the softmax cross-entropy towards each
// row's target class (row r: class r mod K), averaged over rows.
ir::Tensor class_gradient(const ir::Tensor& scores);

// Adds to `grad` the gradient of weight * mean over channels c of ((m_c - mean_c)^2 + (s_c - sd_c)^2)
// / sd_c^2, where m_c and s_c are channel c's (axis 1) mean and standard deviation in `z` over rows
// and positions: the term that pulls z towards the statistics a BatchNorm expects.
void add_statistics_gradient(const ir::Tensor& z, const std::vector<double>& mean, const std::vector<double>& sd,
                             double weight, ir::Tensor& grad);

// Adam's moment estimates for a fixed number of parameters.
class Adam {
 public:
  explicit Adam(size_t size) : first_(size, 0.0), second_(size, 0.0) {}
  // One descent step along gradient `g`: parameter e moves by rate(e) times its bias-corrected first
  // moment over the root of its second.
  void step(std::span<float> parameters, std::span<const float> g, const std::function<double(size_t)>& rate);

 private:
  std::vector<double> first_, second_;
  int steps_ = 0;
};

}  // namespace tinyc::calib
