// Numpy-style broadcasting of shapes, and elementwise evaluation of known shape data under it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "ir/shape.h"

namespace tinyc::exec::shape {

// Multidirectional broadcast result of a and b, or nullopt when a dim pair is neither equal nor 1.
std::optional<ir::Shape> broadcast_shapes(const ir::Shape& a, const ir::Shape& b);

// True when `from` broadcasts to `to` without changing `to` (unidirectional, as PRelu and Gemm's C).
bool broadcasts_to(const ir::Shape& from, const ir::Shape& to);

// out[i] = op(a[...], b[...]) over the broadcast shape `out_shape` of a and b (C order).
std::vector<int64_t> broadcast_elementwise(const std::vector<int64_t>& a, const ir::Shape& a_shape,
                                           const std::vector<int64_t>& b, const ir::Shape& b_shape,
                                           const ir::Shape& out_shape,
                                           const std::function<int64_t(int64_t, int64_t)>& op);

}  // namespace tinyc::exec::shape
