// Small seeded graphs for the pruning tests: a conv chain with a depthwise conv, a residual Add and
// a Flatten -> Gemm, and a Concat of two producers.
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"

namespace tinyc::passes::testing {

// x[1,3,8,8] -> convA (3->8, 3x3) -> Relu -> dw (8, 3x3 depthwise) -> {convB, convC} (8->6, 1x1) -> Add
// -> Relu -> MaxPool 2 -> Flatten (96) -> gemm (96->5, transB) -> y. Shapes inferred.
std::unique_ptr<ir::Graph> residual_graph();

// x[1,3,6,6] -> {convP (3->4), convQ (3->5)} -> Concat axis 1 -> Relu -> convR (9->2, 1x1) -> y.
std::unique_ptr<ir::Graph> concat_graph();

// x[1,3,8,8] -> convA (3->8, 3x3) -> Relu -> convB (8->4, 3x3) -> y.
std::unique_ptr<ir::Graph> chain_graph();

// A Conv node named `name` reading `x` with seeded weights [out, in/group, k, k] and bias [out].
ir::Node* add_conv(ir::Graph& g, const std::string& name, ir::Value* x, int64_t in, int64_t out, int64_t k,
                   int64_t group, uint32_t seed);

// Sets rows `channels` of a Conv's weight (dim 0) and bias to zero.
void zero_output_channels(ir::Graph& g, const std::string& conv, const std::vector<int64_t>& channels);

}  // namespace tinyc::passes::testing
