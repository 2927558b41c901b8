// A small pre-norm transformer block (the shape of a tiny vision transformer's encoder layer) for
// the Gelu, LayerNormalization and int8 decomposition tests and their TFLM checks.
#pragma once

#include <memory>

#include "ir/graph.h"

namespace tinyc::passes::testing {

// How the block's Gelu is written.
enum class GeluForm {
  Op,        // one Gelu node
  ErfChain,  // Div(sqrt 2), Erf, Add(1), Mul(x), Mul(0.5): PyTorch's export below opset 20
};

// x[1,6,16] -> LayerNormalization -> single-head self-attention (q, k, v and output Linear layers as
// MatMul + Add, scores scaled by 1/4, Softmax over keys) -> residual Add -> LayerNormalization
// -> Linear 16->32 -> Gelu -> Linear 32->16 -> residual Add -> y[1,6,16]; opset 17, seeded
// weights, shapes inferred.
std::unique_ptr<ir::Graph> transformer_block(GeluForm gelu);

// x[1,6,16] -> q, k, v Linear layers -> Reshape [1,6,2,8] -> Transpose to two heads [1,2,6,8] (k to
// [1,2,8,6]) -> scores MatMul, Mul 1/sqrt(8), Softmax over keys -> MatMul with v -> Transpose back,
// Reshape [1,6,16] -> output Linear -> y[1,6,16]: multi-head attention as exported; opset 13.
std::unique_ptr<ir::Graph> multi_head_attention();

// x[1,6,16] -> layer normalization as exporters write it below opset 17 (ReduceMean, Sub, Pow 2,
// ReduceMean, Add epsilon, Sqrt, Div, Mul scale, Add bias) -> Linear 16->8 -> y[1,6,8]; opset 13.
std::unique_ptr<ir::Graph> exported_layer_norm();

}  // namespace tinyc::passes::testing
