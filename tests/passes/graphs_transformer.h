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

}  // namespace tinyc::passes::testing
