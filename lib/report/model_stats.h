// Per-layer and whole-model size/compute statistics: what `inspect` prints and reports compare.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::report {

// One node's contribution.
struct LayerStats {
  std::string name;
  std::string op;
  ir::Shape output_shape;
  int64_t params = 0;  // learned weight elements first read by this node
  int64_t macs = 0;    // multiply-accumulates per inference (Conv, ConvTranspose, Gemm, MatMul)
};

// Totals over a graph. Params count learned weights: float constants, and quantized integer
// constants (int8 weights, int32 biases carrying QuantParams), in weight slots (Conv and
// ConvTranspose W/B, Gemm B/C, MatMul operands, BatchNormalization scale/bias, PRelu slope,
// constant operands of Add/Sub/Mul/Div); BatchNormalization running mean/variance are statistics,
// not parameters. A weight slot fed by Reshape/Transpose/Flatten/Squeeze/Unsqueeze/Identity of a
// constant counts that constant. Each constant counts once even when several nodes read it.
struct ModelStats {
  std::vector<LayerStats> layers;  // topological order
  int64_t params = 0;
  int64_t macs = 0;
  int64_t weight_bytes_fp32 = 0;  // params x 4
  int64_t weight_bytes_int8 = 0;  // int8 weights, int32 biases (the TFLite int8 scheme)
  int64_t weight_bytes_stored = 0;  // the weights at the dtype the graph holds them in
  std::map<std::string, int64_t> op_histogram;
};

// Precondition: shapes inferred (exec::infer_shapes).
ModelStats compute_model_stats(const ir::Graph& g);

}  // namespace tinyc::report
