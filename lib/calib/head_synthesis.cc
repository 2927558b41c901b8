// Head synthesis: find the head, copy it into a graph of its own, optimize its input rows, calibrate.
#include "calib/head_synthesis.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

#include "calib/calibrate.h"
#include "calib/head_gradients.h"
#include "exec/capture.h"
#include "exec/shape_inference.h"
#include "ir/constant_data.h"

namespace tinyc::calib {

namespace {

// The last BatchNormalization and the chain of nodes from its output to the first graph output.
struct Head {
  const ir::Node* norm = nullptr;
  std::vector<const ir::Node*> chain;
};

int64_t per_row(const ir::Value& v) {
  int64_t n = 1;
  for (size_t i = 1; i < v.shape->size(); ++i) n *= (*v.shape)[i];
  return n;
}

std::optional<Head> find_head(const ir::Graph& g) {
  Head head;
  for (const ir::Node* n : g.topological_order())
    if (n->op_type == "BatchNormalization") head.norm = n;
  if (!head.norm || g.outputs().empty() || !ir::constant_data(head.norm->input(1)) ||
      !ir::constant_data(head.norm->input(2)))
    return std::nullopt;
  const ir::Value* v = head.norm->output(0);
  const ir::Value* output = g.outputs().front();
  if (!v->shape || v->shape->size() < 2 || !output->shape || output->shape->empty()) return std::nullopt;
  const int64_t classes = per_row(*output);
  const bool reconstruction = g.inputs().size() == 1 && g.inputs()[0]->shape && per_row(*g.inputs()[0]) == classes;
  if (classes < 2 || classes > kMaxHeadClasses || reconstruction) return std::nullopt;
  while (v != output) {
    if (v->uses().size() != 1 || v->is_graph_output()) return std::nullopt;
    const ir::Use& use = v->uses().front();
    if (use.input_index != 0 || !has_input_gradient(*use.node)) return std::nullopt;
    head.chain.push_back(use.node);
    v = use.node->output(0);
  }
  const bool linear = std::any_of(head.chain.begin(), head.chain.end(), [](const ir::Node* n) {
    return n->op_type == "Gemm" || n->op_type == "MatMul";
  });
  return linear ? std::optional<Head>(head) : std::nullopt;
}

// The head as a graph whose input is the BatchNorm's output, with the same value names.
std::unique_ptr<ir::Graph> head_graph(const ir::Graph& g, const Head& head) {
  auto h = std::make_unique<ir::Graph>();
  h->opset_imports = g.opset_imports;
  h->limits = g.limits;
  const ir::Value* z = head.norm->output(0);
  ir::Value* current = h->add_input(z->name, ir::DType::Float32, *z->shape);
  for (const ir::Node* n : head.chain) {
    std::vector<ir::Value*> inputs{current};
    for (size_t i = 1; i < n->inputs().size(); ++i) {
      const ir::Value* in = n->input(i);
      inputs.push_back(in ? h->add_constant(h->unique_value_name(in->name), *ir::constant_data(in)) : nullptr);
    }
    ir::Node* copy = h->add_node(n->op_type, inputs, {n->output(0)->name}, n->name);
    copy->attrs = n->attrs;
    current = copy->output(0);
  }
  h->add_output(current);
  exec::infer_shapes(*h);
  return h;
}

// Standard normal draws from a generator whose output the C++ standard fixes (Box-Muller).
class Normals {
 public:
  explicit Normals(uint64_t seed) : engine_(seed) {}
  double next() {
    const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) / 9007199254740993.0;  // (0, 1]
    const double u2 = static_cast<double>(engine_() >> 11) / 9007199254740992.0;          // [0, 1)
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::mt19937_64 engine_;
};

// Softmax cross-entropy towards each row's target class (row r: class r mod K), averaged over rows:
// its gradient with respect to the scores.
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

// Adds the gradient of prior_weight * mean over channels of ((m - beta)^2 + (s - |gamma|)^2) / gamma^2,
// with m and s a channel's mean and standard deviation over the rows and positions, to `grad`.
void add_prior_gradient(const ir::Tensor& z, const std::vector<double>& gamma, const std::vector<double>& beta,
                        double weight, ir::Tensor& grad) {
  const auto zv = z.values<float>();
  auto g = grad.mutable_values<float>();
  const auto channels = gamma.size();
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
    const double mean = sum / count, sd = std::sqrt(std::max(squares / count - mean * mean, 1e-12));
    const double scale = std::max(std::abs(gamma[c]), 1e-6);
    const double k = weight / static_cast<double>(channels) / (scale * scale);
    const double d_mean = 2.0 * k * (mean - beta[c]) / count, d_sd = 2.0 * k * (sd - scale) / (count * sd);
    for (size_t r = 0; r < rows; ++r)
      for (size_t i = 0; i < plane; ++i) {
        const size_t e = (r * channels + c) * plane + i;
        g[e] += static_cast<float>(d_mean + d_sd * (zv[e] - mean));
      }
  }
}

}  // namespace

RangeMap synthesize_head_ranges(const ir::Graph& unfolded, const HeadSynthesisOptions& options) {
  const std::optional<Head> head = find_head(unfolded);
  if (!head) return {};
  const auto graph = head_graph(unfolded, *head);
  const std::vector<double> gamma = ir::constant_data(head->norm->input(1))->to_double();
  const std::vector<double> beta = ir::constant_data(head->norm->input(2))->to_double();
  const ir::Value* z = head->norm->output(0);
  const int64_t rows = options.rows_per_class * per_row(*unfolded.outputs().front());
  ir::Shape shape = *z->shape;
  shape[0] = rows;
  ir::Tensor input(ir::DType::Float32, shape);
  auto zv = input.mutable_values<float>();
  const size_t channels = gamma.size(), plane = zv.size() / (static_cast<size_t>(rows) * channels);
  Normals normals(options.seed);
  for (size_t e = 0; e < zv.size(); ++e) {
    const size_t c = (e / plane) % channels;
    zv[e] = static_cast<float>(beta[c] + std::abs(gamma[c]) * normals.next());
  }

  std::vector<std::string> names{z->name};
  for (const ir::Node* n : head->chain) names.push_back(n->output(0)->name);
  std::vector<double> first(zv.size(), 0.0), second(zv.size(), 0.0);
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
  for (int step = 1; step <= options.iterations; ++step) {
    const std::vector<ir::Tensor> values = exec::capture_values(*graph, {input}, names, {});
    ir::Tensor grad = class_gradient(values.back());
    for (size_t i = head->chain.size(); i-- > 0;)
      grad = input_gradient(*head->chain[i], values[i], values[i + 1], grad);
    add_prior_gradient(input, gamma, beta, options.prior_weight, grad);
    const auto g = grad.values<float>();
    const double correction1 = 1.0 - std::pow(kBeta1, step), correction2 = 1.0 - std::pow(kBeta2, step);
    for (size_t e = 0; e < zv.size(); ++e) {
      first[e] = kBeta1 * first[e] + (1 - kBeta1) * g[e];
      second[e] = kBeta2 * second[e] + (1 - kBeta2) * g[e] * g[e];
      const double scale = std::abs(gamma[(e / plane) % channels]);
      zv[e] -= static_cast<float>(options.step * scale * (first[e] / correction1) /
                                  (std::sqrt(second[e] / correction2) + kEpsilon));
    }
  }
  RangeMap ranges = calibrate(*graph, {input}, {}).ranges;
  ranges.erase(z->name);
  return ranges;
}

}  // namespace tinyc::calib
