// Small quantized graphs (docs/ir.md form) that between them use every op the .tflite importer reads
// back from tinyc's emitter, and helpers to feed them seeded rows, for the import and TFLM tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::tflite_test {

// input [1,3,8,8] -> depthwise Conv (multiplier 2, stride 2, pads 0,0,1,1 = TFLite SAME, fused Relu6)
// -> Conv 3x3 dilation 2 -> AveragePool 2x2 -> output [1,4,2,2].
std::unique_ptr<ir::Graph> depthwise_pool_graph();
// input [1,2,5,5] -> two Convs -> Add (fused Relu) -> Mul by a constant -> Concat with a branch of
// other parameters -> Sigmoid -> output; the Add's output -> Tanh -> output_tanh.
std::unique_ptr<ir::Graph> add_mul_concat_graph();
// input [1,3,4,5] -> Pad -> Transpose (H <-> W) -> ReduceMean over H -> Flatten -> Gemm -> output.
std::unique_ptr<ir::Graph> pad_transpose_mean_graph();
// input [1,12] -> Gemm -> Reshape to [1,2,3,4] -> Conv 1x1 -> Flatten -> Softmax -> output.
std::unique_ptr<ir::Graph> reshape_layout_graph();
// input [1,2,4,4] -> MaxPool -> Relu -> Clip [0, 6] -> output [1,2,2,2] (unfused clamps).
std::unique_ptr<ir::Graph> clamp_graph();

// One test graph with its name.
struct NamedGraph {
  std::string name;
  std::unique_ptr<ir::Graph> graph;
};
// small_cnn() and every graph above.
std::vector<NamedGraph> import_test_graphs();

// `rows` rows for graph input `input` (float, batch 1, read by a QuantizeLinear), uniform over the
// float range its int8 value represents widened by a tenth on each side (so clamping is exercised);
// the same seed gives the same rows.
ir::Tensor random_rows(const ir::Graph& g, size_t input, int64_t rows, uint32_t seed);

// The graph's outputs on the given input rows (tinyc's executor, shapes inferred on a copy).
std::vector<ir::Tensor> run_graph(const ir::Graph& g, const std::vector<ir::Tensor>& inputs);

}  // namespace tinyc::tflite_test
