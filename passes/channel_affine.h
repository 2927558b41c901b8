// Absorbing a per-output-channel affine (y' = scale * y + shift) into the linear node that produces
// y: the shared second half of fold_batchnorm and fold_affine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::passes {

// y' = scale[c] * y + shift[c] along one axis of y. A vector of one element applies to every
// channel; an empty shift means none. `axis` is the output axis the vectors run along (ignored when
// both have at most one element).
struct ChannelAffine {
  std::vector<double> scale;
  std::vector<double> shift;
  int64_t axis = 1;
};

// The op types whose constant weights can absorb an affine: Conv, ConvTranspose, Gemm, MatMul.
bool is_affine_absorber(const ir::Node& node);

// Why `producer` cannot absorb `affine`; empty when it can. Requires float32 constant weights and
// bias, no fused activation (the affine follows the clamp), the affine running along the producer's
// output-channel axis, and for a shift into a MatMul a 2-D product (it becomes a Gemm with that bias).
std::string absorb_refusal(const ir::Node& producer, const ChannelAffine& affine);

// Rewrites the producer's weights and bias so its output becomes the affine of what it was.
// Precondition: absorb_refusal() is empty. Returns the node that now produces the (same-named)
// output: the producer itself, or the Gemm that replaced a MatMul.
ir::Node* absorb_affine(ir::Graph& g, ir::Node* producer, const ChannelAffine& affine);

// True when a Gemm bias of this shape holds one value per column or one for all ([], [1], [N],
// [1,1], [1,N]): it does not vary along rows, so it stays valid for any batch size.
bool is_per_column_bias(const ir::Shape& c, int64_t columns);

// Replaces a 2-D MatMul(A, B) by Gemm(A, B, bias) (bias nullptr: none) that keeps its output name.
ir::Node* matmul_to_gemm(ir::Graph& g, ir::Node* matmul, ir::Value* bias);

}  // namespace tinyc::passes
