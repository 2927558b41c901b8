// Helpers for the int8 executor tests: quantized graphs built by hand in the docs/ir.md form, int8
// tensors, runs through the Executor, and the float twin of a quantized graph (every quantized
// value dequantized, Quantize/DequantizeLinear as Identity) that the float-domain checks run.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"
#include "int8_reference/quant_test_util.h"

namespace tinyc::int8_test {

using quant_test::per_channel;
using quant_test::qp;
using Ints = std::vector<int64_t>;
using Int8s = std::vector<int8_t>;

inline ir::Tensor int8_tensor(const ir::Shape& shape, const Int8s& values) {
  return ir::Tensor::from_vector<int8_t>(shape, values);
}

inline Int8s int8_values(const ir::Tensor& t) {
  const auto v = t.values<int8_t>();
  return {v.begin(), v.end()};
}

// Seeded uniform int8 data of `shape`.
inline ir::Tensor random_int8(const ir::Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  return int8_tensor(shape, quant_test::random_int8(rng, static_cast<size_t>(ir::num_elements(shape))));
}

// Seeded uniform floats in [lo, hi) of `shape`.
inline ir::Tensor random_float_tensor(const ir::Shape& shape, uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  const auto count = static_cast<size_t>(ir::num_elements(shape));
  return ir::Tensor::from_vector<float>(shape, quant_test::random_floats(rng, count, lo, hi));
}

// Symmetric int8 weights in [-127, 127], seeded.
inline ir::Tensor random_weights(const ir::Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-127, 127);
  ir::Tensor t(ir::DType::Int8, shape);
  for (int8_t& v : t.mutable_values<int8_t>()) v = static_cast<int8_t>(dist(rng));
  return t;
}

inline ir::Tensor random_bias(int64_t n, uint32_t seed, int32_t limit = 2000) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int32_t> dist(-limit, limit);
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (int32_t& b : v) b = dist(rng);
  return ir::Tensor::from_vector<int32_t>({n}, v);
}

// A graph under construction; every value may get quantization parameters.
class QuantGraph {
 public:
  explicit QuantGraph(int64_t opset = 17) : g_(std::make_unique<ir::Graph>()) { g_->opset_imports[""] = opset; }

  ir::Value* input(const std::string& name, ir::DType dtype, const ir::Shape& shape,
                   std::optional<ir::QuantParams> quant = std::nullopt) {
    ir::Value* v = g_->add_input(name, dtype, shape);
    v->quant = std::move(quant);
    return v;
  }
  ir::Value* constant(const std::string& name, ir::Tensor data, std::optional<ir::QuantParams> quant = std::nullopt) {
    ir::Value* v = g_->add_constant(name, std::move(data));
    v->quant = std::move(quant);
    return v;
  }
  // One node with one output named `output`; returns that output.
  ir::Value* node(const std::string& op, const std::vector<ir::Value*>& inputs, const std::string& output,
                  std::optional<ir::QuantParams> quant, const ir::Attributes& attrs = {}) {
    ir::Node* n = g_->add_node(op, inputs, {output}, output + "_node");
    n->attrs = attrs;
    n->output(0)->quant = std::move(quant);
    return n->output(0);
  }
  void output(ir::Value* v) { g_->add_output(v); }

  const ir::Graph& graph() const { return *g_; }
  ir::Graph& graph() { return *g_; }

 private:
  std::unique_ptr<ir::Graph> g_;
};

// The float twin: same nodes and attributes, each quantized value dequantized (constants hold
// scale * (q - zero_point) per channel; int8 graph inputs become float32), Quantize/
// DequantizeLinear replaced by Identity. Running it on dequantized inputs and quantizing the outputs
// is the float-domain simulation of the int8 graph.
std::unique_ptr<ir::Graph> float_twin(const ir::Graph& quantized);

// Dequantizes a tensor with its (per-tensor or per-channel) parameters into float32.
ir::Tensor dequantize(const ir::Tensor& q, const ir::QuantParams& params);

// Runs `graph` (shapes are inferred by the Executor) and returns its outputs.
inline std::vector<ir::Tensor> run(const ir::Graph& graph, const std::vector<ir::Tensor>& inputs) {
  return exec::Executor(graph).run(inputs);
}

// Output 0 of the int8 graph on int8 inputs, and the float twin's output 0 on the dequantized
// inputs, quantized with output 0's parameters (round half away from zero, clamped).
Int8s run_int8(const ir::Graph& graph, const std::vector<ir::Tensor>& inputs);
std::vector<int32_t> simulate_in_float(const ir::Graph& graph, const std::vector<ir::Tensor>& inputs);

}  // namespace tinyc::int8_test
