// Helpers for float kernel and executor tests: seeded random tensors, one-node graphs run through
// shape inference and the Executor, and element comparisons.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"

namespace tinyc::exec_test {

using Ints = std::vector<int64_t>;
using Floats = std::vector<float>;

// Uniform floats in [lo, hi) from a fixed seed.
inline ir::Tensor random_tensor(const ir::Shape& shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  ir::Tensor t(ir::DType::Float32, shape);
  for (float& v : t.mutable_values<float>()) v = dist(rng);
  return t;
}

inline ir::Tensor floats(const ir::Shape& shape, const Floats& values) {
  return ir::Tensor::from_vector<float>(shape, values);
}
inline ir::Tensor ints(const Ints& values) {
  return ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values);
}

// One input of a test node: fed at run time (a graph input) or a constant (weights, shape data).
struct Arg {
  std::optional<ir::Tensor> tensor;  // nullopt: an omitted optional input
  bool constant = false;
};
inline Arg in(ir::Tensor t) { return {std::move(t), false}; }
inline Arg constant(ir::Tensor t) { return {std::move(t), true}; }
inline Arg omitted() { return {}; }

// A graph with one node of `op` over `args`, `outputs` outputs, at `opset`.
inline std::unique_ptr<ir::Graph> node_graph(const std::string& op, const std::vector<Arg>& args,
                                             const ir::Attributes& attrs, int64_t opset, size_t outputs) {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = opset;
  std::vector<ir::Value*> inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string name = "x" + std::to_string(i);
    if (!args[i].tensor) inputs.push_back(nullptr);
    else if (args[i].constant) inputs.push_back(g->add_constant(name, *args[i].tensor));
    else inputs.push_back(g->add_input(name, args[i].tensor->dtype(), args[i].tensor->shape()));
  }
  std::vector<std::string> names;
  for (size_t i = 0; i < outputs; ++i) names.push_back("y" + std::to_string(i));
  ir::Node* n = g->add_node(op, inputs, names, op);
  n->attrs = attrs;
  for (ir::Value* out : n->outputs()) g->add_output(out);
  return g;
}

// Runs one node through shape inference and the Executor; returns its outputs.
inline std::vector<ir::Tensor> run_node(const std::string& op, const std::vector<Arg>& args,
                                        const ir::Attributes& attrs = {}, int64_t opset = 17, size_t outputs = 1) {
  const auto g = node_graph(op, args, attrs, opset, outputs);
  std::vector<ir::Tensor> feed;
  for (const Arg& a : args)
    if (a.tensor && !a.constant) feed.push_back(*a.tensor);
  return exec::Executor(*g).run(feed);
}

inline ir::Tensor run1(const std::string& op, const std::vector<Arg>& args, const ir::Attributes& attrs = {},
                       int64_t opset = 17) {
  return run_node(op, args, attrs, opset).at(0);
}

// Largest |a - b| over all elements; infinity when dtypes or shapes differ.
inline double max_abs_diff(const ir::Tensor& a, const ir::Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) return INFINITY;
  const std::vector<double> x = a.to_double(), y = b.to_double();
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(x[i] - y[i]));
  return worst;
}

inline std::vector<float> values(const ir::Tensor& t) {
  const auto v = t.values<float>();
  return {v.begin(), v.end()};
}

}  // namespace tinyc::exec_test
