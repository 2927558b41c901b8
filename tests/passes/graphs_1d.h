// Small 1-D networks (keyword-spotting and signal-autoencoder shapes) for the 1-D lifting tests and
// the TFLM checks of their int8 forms.
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"

namespace tinyc::passes::testing {

// A Conv over a rank-3 input with seeded weights [w] and bias, output "<name>_out".
ir::Node* conv1d(ir::Graph& g, ir::Value* x, const ir::Shape& w, const std::string& name, uint32_t seed);

// x[1,3,32] -> Conv k5 pad 2 -> Relu -> MaxPool 2/2 -> depthwise k3 pad 1 -> Relu -> Add (residual)
// -> Mul by a (C, 1) constant -> AveragePool k3 s2 pad 1 -> Conv k3 dilation 2 stride 2
// -> GlobalAveragePool -> Flatten -> Gemm -> y[1,4], shapes inferred.
std::unique_ptr<ir::Graph> classifier_1d(int64_t opset = 13);

// x[1,1,40] -> Conv 1->4 k5 pad 2 -> Relu -> Conv 4->4 k3 pad 1 -> Relu -> Conv 4->1 k3 pad 1
// -> y[1,1,40]: a one-channel signal denoiser, shapes inferred.
std::unique_ptr<ir::Graph> denoiser_1d();

}  // namespace tinyc::passes::testing
