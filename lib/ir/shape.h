// Static tensor shapes and the checked arithmetic on them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinyc::ir {

// Dimensions, outermost first. Every dim is a known value >= 0 (symbolic dims are resolved at import).
using Shape = std::vector<int64_t>;

// Product of dims; throws InputError when a dim is negative or the product overflows int64.
int64_t num_elements(const Shape& shape);
// "1x3x32x32"; "scalar" for rank 0.
std::string shape_to_string(const Shape& shape);

}  // namespace tinyc::ir
