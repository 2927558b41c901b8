// Which axes a reduction (ReduceMean, ReduceSum, ...) reduces, shared by its shape rule and its
// float kernel so the output shape and the arithmetic agree.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/node.h"

namespace tinyc::exec::shape {

// The opset from which `node`'s axes are optional input 1 instead of an attribute, and
// noop_with_empty_axes exists: 13 for ReduceSum, 18 for the other reductions.
int64_t reduce_axes_input_since(const ir::Node& node);

// One flag per dim of a rank-`rank` input: true where `node` reduces. `axes` are the listed axes
// (attribute or input, as reduce_axes_input_since says); none listed means every dim, or no dim
// with noop_with_empty_axes. Throws InputError naming the node for a bad or repeated axis.
std::vector<bool> reduced_axes(const ir::Node& node, int64_t opset, int64_t rank, const std::vector<int64_t>& axes);

}  // namespace tinyc::exec::shape
