// Seeded data, pass runs and before/after output comparison for the pass tests.
#include "pass_test_util.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "exec/executor.h"
#include "passes/pipeline.h"

namespace tinyc::passes::testing {

std::unique_ptr<ir::Graph> new_graph(int64_t opset) {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = opset;
  return g;
}

ir::Tensor random_tensor(const ir::Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  ir::Tensor t(ir::DType::Float32, shape);
  for (float& v : t.mutable_values<float>()) v = uniform(rng);
  return t;
}

ir::Value* add_random_constant(ir::Graph& g, const std::string& name, const ir::Shape& shape, uint32_t seed) {
  return g.add_constant(name, random_tensor(shape, seed));
}

std::vector<PassSummary> run_passes(ir::Graph& g, const std::string& pipeline) {
  return run_pipeline(g, parse_pipeline(pipeline));
}

PassContext calibration_rows(const ir::Graph& g, int64_t rows, uint32_t seed) {
  PassContext context;
  ir::Shape shape = *g.inputs().front()->shape;
  shape[0] = rows;
  context.calibration_inputs.push_back(random_tensor(shape, seed));
  return context;
}

int count_ops(const ir::Graph& g, const std::string& op_type) {
  const std::vector<ir::Node*> nodes = g.nodes();
  return static_cast<int>(
      std::count_if(nodes.begin(), nodes.end(), [&](const ir::Node* n) { return n->op_type == op_type; }));
}

std::vector<ir::Tensor> run_float(const ir::Graph& g, const std::vector<ir::Tensor>& inputs) {
  exec::ExecutorOptions options;
  options.threads = 1;
  return exec::Executor(g, options).run(inputs);
}

double relative_difference(const std::vector<ir::Tensor>& reference, const std::vector<ir::Tensor>& other) {
  if (reference.size() != other.size()) return INFINITY;
  double max_diff = 0, max_ref = 0;
  for (size_t i = 0; i < reference.size(); ++i) {
    if (reference[i].shape() != other[i].shape()) return INFINITY;
    const std::vector<double> a = reference[i].to_double(), b = other[i].to_double();
    for (size_t k = 0; k < a.size(); ++k) {
      const double d = std::fabs(a[k] - b[k]);
      max_diff = std::isnan(d) ? INFINITY : std::max(max_diff, d);
      max_ref = std::max(max_ref, std::fabs(a[k]));
    }
  }
  return max_diff == 0 ? 0 : max_diff / max_ref;
}

double output_difference(const ir::Graph& before, const ir::Graph& after, uint32_t seed, int64_t rows) {
  std::vector<ir::Tensor> inputs;
  for (const ir::Value* in : before.inputs()) {
    ir::Shape shape = *in->shape;
    if (rows > 1) shape[0] = rows;
    inputs.push_back(random_tensor(shape, seed++));
  }
  return relative_difference(run_float(before, inputs), run_float(after, inputs));
}

}  // namespace tinyc::passes::testing
