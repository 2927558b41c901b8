// Row (dim 0) slicing and stacking: data sets are processed in chunks of rows.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/tensor.h"

namespace tinyc::ir {

// Rows [begin, end) of `t` (rank >= 1) as a new tensor.
Tensor slice_rows(const Tensor& t, int64_t begin, int64_t end);

// Stacks tensors whose dims past 0 agree into one, in order.
Tensor concat_rows(const std::vector<Tensor>& parts);

}  // namespace tinyc::ir
