// Input synthesis: one forward run per step keeps every activation, one backward sweep in reverse
// topological order sums each value's gradient from its readers and from the statistics and class
// terms, Adam moves the rows, and they are clamped to the input range. Batches are independent, so
// they are optimized on every core at once.
#include "calib/input_synthesis.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>

#include "calib/gradients.h"
#include "calib/synthesis_terms.h"
#include "exec/capture.h"
#include "exec/workers.h"
#include "ir/constant_data.h"
#include "ir/error.h"

namespace tinyc::calib {

namespace {

// A BatchNormalization's input and the statistics the training data gave it.
struct NormTarget {
  std::string value;
  std::vector<double> mean, sd;
};

std::vector<NormTarget> norm_targets(const ir::Graph& g) {
  std::vector<NormTarget> targets;
  for (const ir::Node* n : g.topological_order()) {
    if (n->op_type != "BatchNormalization" || n->inputs().size() < 5) continue;
    const ir::Tensor* mean = ir::constant_data(n->input(3));
    const ir::Tensor* var = ir::constant_data(n->input(4));
    if (!mean || !var || ir::constant_data(n->input(0))) continue;
    NormTarget t{n->input(0)->name, mean->to_double(), var->to_double()};
    const double epsilon = n->attr_float("epsilon", 1e-5f);
    for (double& v : t.sd) v = std::sqrt(std::max(v, 0.0) + epsilon);
    targets.push_back(std::move(t));
  }
  return targets;
}

// Every value a node computes from the input: what the backward sweep reads.
std::vector<std::string> computed_values(const ir::Graph& g) {
  std::vector<std::string> names{g.inputs().front()->name};
  for (const ir::Node* n : g.topological_order())
    for (const ir::Value* out : n->outputs())
      if (out && !ir::constant_data(out)) names.push_back(out->name);
  return names;
}

void accumulate(std::map<std::string, ir::Tensor>& grads, const std::string& name, ir::Tensor grad) {
  auto [at, inserted] = grads.try_emplace(name, std::move(grad));
  if (inserted) return;
  auto sum = at->second.mutable_values<float>();
  const auto add = grad.values<float>();
  for (size_t i = 0; i < sum.size(); ++i) sum[i] += add[i];
}

void check(const ir::Graph& g, const InputSynthesisOptions& options) {
  if (g.inputs().size() != 1 || g.inputs()[0]->dtype != ir::DType::Float32 || !g.inputs()[0]->shape ||
      g.inputs()[0]->shape->empty())
    throw InputError("synthesizing calibration rows needs a model with a single float32 input: give --calib");
  if (!(options.input_max > options.input_min))
    throw InputError("synthesizing calibration rows needs an input range with MIN < MAX");
  if (options.rows < 1 || options.batch < 1) throw InputError("synthesizing calibration rows needs at least one row");
}

// The backward sweep for one batch: dL/d(input) of the statistics and class terms.
class Sweep {
 public:
  Sweep(const ir::Graph& g, const InputSynthesisOptions& options)
      : g_(g),
        options_(options),
        targets_(norm_targets(g)),
        names_(computed_values(g)),
        classes_(class_count(g)),
        executor_(g, {.threads = 1}) {
    if (targets_.empty())
      throw InputError(
          "synthesizing calibration rows needs BatchNormalization statistics and this model has none: give --calib "
          "with a few hundred typical input rows");
    for (size_t i = 0; i < names_.size(); ++i) index_[names_[i]] = i;
    const std::vector<ir::Node*> order = g.topological_order();
    order_.assign(order.rbegin(), order.rend());
  }

  ir::Tensor input_gradient(const ir::Tensor& rows) const {
    const std::vector<ir::Tensor> values = exec::capture_values(executor_, {rows}, names_);
    std::map<std::string, ir::Tensor> grads;
    const double weight = 1.0 / static_cast<double>(targets_.size());
    for (const NormTarget& t : targets_) {
      const ir::Tensor& z = values[index_.at(t.value)];
      ir::Tensor grad(ir::DType::Float32, z.shape());
      add_statistics_gradient(z, t.mean, t.sd, weight, grad);
      accumulate(grads, t.value, std::move(grad));
    }
    if (classes_ > 0 && options_.class_weight > 0) {
      ir::Tensor grad = class_gradient(values[index_.at(g_.outputs().front()->name)]);
      for (float& v : grad.mutable_values<float>()) v *= static_cast<float>(options_.class_weight);
      accumulate(grads, g_.outputs().front()->name, std::move(grad));
    }
    for (const ir::Node* n : order_) backward(*n, values, grads);
    return std::move(grads.at(names_.front()));
  }

 private:
  void backward(const ir::Node& n, const std::vector<ir::Tensor>& values,
                std::map<std::string, ir::Tensor>& grads) const {
    const auto dy = grads.find(n.output(0)->name);
    if (dy == grads.end()) return;
    if (!has_input_gradient(n))
      throw InputError("synthesizing calibration rows needs gradients through every op before a BatchNorm or the "
                       "output; tinyc has none for " + n.op_type + " ('" + n.name + "'): give --calib");
    std::vector<const ir::Tensor*> inputs;
    for (const ir::Value* in : n.inputs()) {
      const auto at = in ? index_.find(in->name) : index_.end();
      inputs.push_back(at == index_.end() ? nullptr : &values[at->second]);
    }
    const auto input_grads = input_gradients(n, inputs, values[index_.at(n.output(0)->name)], dy->second);
    for (size_t i = 0; i < input_grads.size(); ++i)
      if (input_grads[i]) accumulate(grads, n.input(i)->name, std::move(*input_grads[i]));
  }

  const ir::Graph& g_;
  const InputSynthesisOptions& options_;
  std::vector<NormTarget> targets_;
  std::vector<std::string> names_;
  std::map<std::string, size_t> index_;
  std::vector<const ir::Node*> order_;
  int64_t classes_;
  exec::Executor executor_;
};

}  // namespace

int64_t batch_count(const InputSynthesisOptions& options) {
  return (options.rows + options.batch - 1) / options.batch;
}

int64_t synthesis_steps(const InputSynthesisOptions& options) { return batch_count(options) * options.iterations; }

ir::Tensor synthesize_input_rows(const ir::Graph& unfolded, const InputSynthesisOptions& options) {
  check(unfolded, options);
  const Sweep sweep(unfolded, options);
  ir::Shape shape = *unfolded.inputs()[0]->shape;
  shape[0] = options.rows;
  ir::Tensor result(ir::DType::Float32, shape);
  auto out = result.mutable_values<float>();
  // Every row's start is drawn first, in order, so the rows do not depend on which thread takes a batch.
  RandomDraws draws(options.seed);
  const double range = options.input_max - options.input_min;
  for (float& v : out) v = static_cast<float>(options.input_min + range * draws.uniform());

  const int64_t per_row = static_cast<int64_t>(out.size()) / options.rows;
  std::atomic<int64_t> steps_done{0};
  std::mutex mutex;  // serializes on_step calls
  const auto optimize = [&](int64_t batch_index) {
    const int64_t first = batch_index * options.batch;
    ir::Shape batch_shape = shape;
    batch_shape[0] = std::min(options.batch, options.rows - first);
    ir::Tensor rows(ir::DType::Float32, batch_shape);
    auto x = rows.mutable_values<float>();
    const auto start = out.begin() + static_cast<std::ptrdiff_t>(first * per_row);
    std::copy(start, start + static_cast<std::ptrdiff_t>(x.size()), x.begin());
    Adam adam(x.size());
    for (int step = 0; step < options.iterations; ++step) {
      const ir::Tensor grad = sweep.input_gradient(rows);
      adam.step(x, grad.values<float>(), [&](size_t) { return options.step * range; });
      for (float& v : x) v = std::clamp(v, options.input_min, options.input_max);
      const int64_t done = ++steps_done;
      if (options.on_step) {
        const std::lock_guard<std::mutex> lock(mutex);
        options.on_step(done);
      }
    }
    std::copy(x.begin(), x.end(), start);
  };
  exec::run_indexed(batch_count(options), options.threads, [&] { return optimize; });
  return result;
}

}  // namespace tinyc::calib
