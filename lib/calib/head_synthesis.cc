// Head synthesis: find the head, copy it into a graph of its own, optimize its input rows, calibrate.
#include "calib/head_synthesis.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "calib/calibrate.h"
#include "calib/gradients.h"
#include "calib/synthesis_terms.h"
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
  if (class_count(g) == 0) return std::nullopt;
  while (v != output) {
    if (v->uses().size() != 1 || v->is_graph_output()) return std::nullopt;
    const ir::Use& use = v->uses().front();
    if (use.input_index != 0 || !has_input_gradient(*use.node) || !constant_side_inputs(*use.node)) return std::nullopt;
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

}  // namespace

RangeMap synthesize_head_ranges(const ir::Graph& unfolded, const HeadSynthesisOptions& options) {
  const std::optional<Head> head = find_head(unfolded);
  if (!head) return {};
  const auto graph = head_graph(unfolded, *head);
  const std::vector<double> gamma = ir::constant_data(head->norm->input(1))->to_double();
  const std::vector<double> beta = ir::constant_data(head->norm->input(2))->to_double();
  const ir::Value* z = head->norm->output(0);
  const int64_t rows = options.rows_per_class * class_count(unfolded);
  ir::Shape shape = *z->shape;
  shape[0] = rows;
  ir::Tensor input(ir::DType::Float32, shape);
  auto zv = input.mutable_values<float>();
  const size_t channels = gamma.size(), plane = zv.size() / (static_cast<size_t>(rows) * channels);
  RandomDraws draws(options.seed);
  for (size_t e = 0; e < zv.size(); ++e) {
    const size_t c = (e / plane) % channels;
    zv[e] = static_cast<float>(beta[c] + std::abs(gamma[c]) * draws.normal());
  }

  std::vector<std::string> names{z->name};
  for (const ir::Node* n : head->chain) names.push_back(n->output(0)->name);
  Adam adam(zv.size());
  const auto rate = [&](size_t e) { return options.step * std::abs(gamma[(e / plane) % channels]); };
  for (int step = 1; step <= options.iterations; ++step) {
    const std::vector<ir::Tensor> values = exec::capture_values(*graph, {input}, names, {});
    ir::Tensor grad = class_gradient(values.back());
    for (size_t i = head->chain.size(); i-- > 0;) {
      std::vector<const ir::Tensor*> inputs(head->chain[i]->inputs().size(), nullptr);
      inputs[0] = &values[i];
      grad = *input_gradients(*head->chain[i], inputs, values[i + 1], grad)[0];
    }
    add_statistics_gradient(input, beta, gamma, options.prior_weight, grad);
    adam.step(zv, grad.values<float>(), rate);
  }
  RangeMap ranges = calibrate(*graph, {input}, {}).ranges;
  ranges.erase(z->name);
  return ranges;
}

}  // namespace tinyc::calib
