// Choosing a few representative calibration rows from a larger pool (--calib-select): a handful of
// rows that cover what the float model computes measure ranges and biases almost as well as the
// whole pool, in a fraction of the time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"

namespace tinyc::calib {

// Which pool rows were chosen, and from what.
struct RowSelection {
  std::vector<int64_t> rows;  // indices into the pool, ascending
  int64_t pool_rows = 0;
  std::string feature;        // the value whose activations the rows cover
  int64_t classes = 0;        // predicted classes the rows are balanced over; 0 = not balanced
};

// Chooses `count` rows of `pool` (rows along dim 0, the model's only input) by greedy coverage of
// the float model's penultimate activations: the data input of the last Conv/Gemm/MatMul before the
// first output. When the first output is a score vector of K classes with 2 <= K <= count, the
// rows are balanced over the float model's predicted classes (equal shares; a class with fewer rows
// gives its rest to the largest classes). Within a class, the first row is the one nearest the
// class's mean activation, and each next one is the row farthest from every row chosen so far, so
// the chosen rows span the activations the class reaches. Deterministic: ties go to the lower row.
// InputError when count is not in [1, pool rows].
RowSelection select_rows(const ir::Graph& g, const ir::Tensor& pool, int64_t count,
                         const exec::ExecutorOptions& options);

// The chosen rows of `pool`, in the order of `rows`.
ir::Tensor take_rows(const ir::Tensor& pool, const std::vector<int64_t>& rows);

}  // namespace tinyc::calib
