// Numpy-style broadcasting of shapes, and the operand shapes of the pre-opset-7 broadcasting forms,
// shared by the shape rules and the float kernels.
#pragma once

#include <cstdint>
#include <optional>

#include "ir/node.h"
#include "ir/shape.h"

namespace tinyc::exec::shape {

// Multidirectional broadcast result of a and b, or nullopt when a dim pair is neither equal nor 1.
std::optional<ir::Shape> broadcast_shapes(const ir::Shape& a, const ir::Shape& b);

// True when `from` broadcasts to `to` without changing `to` (unidirectional, as PRelu and Gemm's C).
bool broadcasts_to(const ir::Shape& from, const ir::Shape& to);

// B's shape as numpy broadcasting against A sees it. Before opset 7, Add/Sub/Mul/Div with
// broadcast=1 place B's dims at `axis` of A (default: aligned to the right) and pad them with
// trailing ones; otherwise B is unchanged. Throws InputError naming the node when B does not fit.
ir::Shape legacy_operand_shape(const ir::Node& node, int64_t opset, const ir::Shape& a, const ir::Shape& b);

// PRelu's slope shape as numpy broadcasting against X sees it. Before opset 7 a slope vector of
// C entries (X is N x C x ...) applies per channel, not to the last dim; otherwise unchanged.
ir::Shape prelu_slope_shape(int64_t opset, const ir::Shape& x, const ir::Shape& slope);

}  // namespace tinyc::exec::shape
