// Shared steps of the pass tests: seeded data, running passes, and comparing float executor outputs
// of a graph before and after a rewrite.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/pass_context.h"
#include "passes/pass_manager.h"

namespace tinyc::passes::testing {

// An empty graph importing the default ONNX domain at `opset`.
std::unique_ptr<ir::Graph> new_graph(int64_t opset = 13);

// Uniform in [-1, 1), the same for the same shape and seed.
ir::Tensor random_tensor(const ir::Shape& shape, uint32_t seed);

// A float32 constant of random values (random_tensor) added to g.
ir::Value* add_random_constant(ir::Graph& g, const std::string& name, const ir::Shape& shape, uint32_t seed);

// Runs the pipeline text on g through the pass manager (shape inference and verify() after each pass).
std::vector<PassSummary> run_passes(ir::Graph& g, const std::string& pipeline);

// A context whose calibration rows are `rows` random_tensor rows (seeded) of g's one input.
PassContext calibration_rows(const ir::Graph& g, int64_t rows, uint32_t seed);

// Nodes of g with this op type.
int count_ops(const ir::Graph& g, const std::string& op_type);

// Runs the float executor (one thread) on g.
std::vector<ir::Tensor> run_float(const ir::Graph& g, const std::vector<ir::Tensor>& inputs);

// max |a - b| over every element of every output, divided by max |a| (the reference's scale).
double relative_difference(const std::vector<ir::Tensor>& reference, const std::vector<ir::Tensor>& other);

// Feeds both graphs the same seeded random inputs, `rows` rows stacked along dim 0 (every graph
// input of `before` must have dim 0 = 1 when rows > 1), and returns relative_difference of their
// outputs, `before` being the reference.
double output_difference(const ir::Graph& before, const ir::Graph& after, uint32_t seed, int64_t rows = 3);

}  // namespace tinyc::passes::testing
