// Hand-built graphs in the quantized form of docs/ir.md (int8 values with QuantParams, int32 biases,
// fused activations, QuantizeLinear/DequantizeLinear at the edges, NCHW), for the .tflite tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::tflite_test {

ir::QuantParams per_tensor(float scale, int64_t zero_point);
// Symmetric per-output-channel weight parameters along `axis`.
ir::QuantParams per_channel(const std::vector<float>& scales, int64_t axis = 0);

// Small graph-building steps; every created value carries dtype, shape and (when given) quant.
class QuantizedGraphBuilder {
 public:
  QuantizedGraphBuilder();

  // A float graph input followed by QuantizeLinear to int8 `q`; returns the int8 value.
  ir::Value* quantized_input(const std::string& name, const ir::Shape& shape, const ir::QuantParams& q);
  // DequantizeLinear of `v` to a float graph output called `name`.
  void dequantized_output(ir::Value* v, const std::string& name);

  // int8 constant with values (seed * 7 + i * 13) % 255 - 127, so neighbours differ.
  ir::Value* int8_weights(const std::string& name, const ir::Shape& shape, const ir::QuantParams& q, int seed);
  // int32 bias [n] with values 100 * (i + 1) - 250 at scale input_scale * weight_scale[c].
  ir::Value* int32_bias(const std::string& name, int64_t n, float input_scale, const ir::QuantParams& weight_q);

  // A node with int8 output `out` (shape and params given).
  ir::Node* node(const std::string& op, const std::vector<ir::Value*>& inputs, const std::string& out,
                 const ir::Shape& out_shape, const std::optional<ir::QuantParams>& out_q);

  ir::Graph& graph() { return *graph_; }
  std::unique_ptr<ir::Graph> take() { return std::move(graph_); }

 private:
  std::unique_ptr<ir::Graph> graph_;
};

// Per-channel weight scales 0.01 + 0.002 * (c % 5) for `n` output channels.
std::vector<float> channel_scales(int64_t n);

// `rows` float rows of `shape` (dim 0 replaced), uniform in [low, high), seeded.
ir::Tensor uniform_rows(ir::Shape shape, int64_t rows, float low, float high, uint32_t seed);

// input float `input` -> Q (0.02, -5) -> Conv (int8 weights `weights` with `weight_q`, int32 bias)
// -> int8 `output` (0.04, 3) -> DQ -> output; `configure` sets group, strides, pads, activation.
std::unique_ptr<ir::Graph> conv_graph(const ir::Shape& input, const ir::Shape& weights, const ir::Shape& output,
                                      const ir::QuantParams& weight_q, const std::function<void(ir::Node*)>& configure);

// Sets the fused-activation attributes of docs/ir.md.
void fuse(ir::Node* n, const std::string& name, float min, float max);

// input float [1,2,6,6] -> Q -> Conv 2->4 3x3 pad 1 (per-channel, fused Relu) -> MaxPool 2x2
// -> Flatten [1,36] -> Gemm 36->5 (transB=1, per-channel) -> Softmax -> DQ -> output.
// Names: input, conv.weight, conv.bias, conv_out, pool_out, flat, fc.weight, fc.bias, logits, probs, output.
std::unique_ptr<ir::Graph> small_cnn();

// input float [1,3,5,6] -> Q -> Slice (channels 2, 1, 0 by step -1 to the start, rows 1 and 3,
// columns 4 to a clamped end) -> [1,3,2,2] -> Conv 1x1 3->2 -> DQ -> output. Names: input, slice, output.
std::unique_ptr<ir::Graph> slice_graph();

// input float [1,4,5,6] -> Q -> Split along W into 2 and 4 columns (SPLIT_V) -> a, b; b Split
// along C into two equal parts (SPLIT) -> c, d; Add(c, d) and a 1x1 Conv 4->2 of a, joined along W
// -> [1,2,5,6] -> DQ -> output. Names: input, a, b, c, d, output.
std::unique_ptr<ir::Graph> split_graph();

// input float [1,3,5,6] -> Q (0.02, -5) -> `op` (ReduceMax with `attrs`, or GlobalMaxPool) with
// output shape `output` -> DQ -> output. Names: input, reduced, output.
std::unique_ptr<ir::Graph> reduce_max_graph(const std::string& op, const ir::Shape& output, const ir::Attributes& attrs);

// input float `input` -> Q (0.05, -5) -> Softmax over `axis` (opset 13) -> DQ -> output.
std::unique_ptr<ir::Graph> softmax_graph(const ir::Shape& input, int64_t axis);

// input float `input` -> Q (0.02, -5) -> Gather along `axis` at constant `indices` (int64) with
// output shape `output` -> DQ -> output. Names: input, gathered, output.
std::unique_ptr<ir::Graph> gather_graph(const ir::Shape& input, int64_t axis, const ir::Tensor& indices, const ir::Shape& output);

// input float [1,3,h,w] -> Q (0.02, -5) -> Resize to `sizes` (NCHW, opset 13) with `attrs` (mode,
// coordinate_transformation_mode, nearest_mode) -> DQ -> output. Names: input, resized, output.
std::unique_ptr<ir::Graph> resize_graph(const ir::Shape& input, const ir::Shape& sizes, const ir::Attributes& attrs);

}  // namespace tinyc::tflite_test
