// Index clamping of Slice and Shape (start/end), shared by their shape rules and float kernels so
// the inferred output shape and the copied elements come from one computation.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/node.h"
#include "ir/shape.h"

namespace tinyc::exec::shape {

// The elements Slice keeps along one axis: `count` of them from `start`, `step` apart.
struct AxisRange {
  int64_t start = 0;
  int64_t step = 1;
  int64_t count = 0;
};

// Slice's selection of every dim of `input` (dims not in `axes` are kept whole). Empty `axes`
// means 0, 1, ..., and empty `steps` means all 1, one per entry of `starts`. Throws InputError
// naming the node for lists of different lengths, a bad or repeated axis, or a zero step.
std::vector<AxisRange> resolve_slice(const ir::Node& node, const ir::Shape& input, const std::vector<int64_t>& starts,
                                     const std::vector<int64_t>& ends, std::vector<int64_t> axes,
                                     std::vector<int64_t> steps);

// The input dims [first, last) that Shape returns for a rank-`rank` input: its start/end
// attributes (opset 15) count negative indices from the end and clamp like Python slicing.
struct DimRange {
  int64_t first = 0;
  int64_t last = 0;
};
DimRange resolve_shape_range(const ir::Node& node, int64_t rank);

}  // namespace tinyc::exec::shape
