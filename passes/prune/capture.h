// Running a graph on calibration rows for pruning: keeping chosen intermediate values, and
// comparing a pruned model's outputs with the original's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"

namespace tinyc::passes {

// The values named `names` (graph inputs or values computed at run time) over all rows of
// `inputs`, stacked along dim 0. Throws InternalError for a name the run never shows.
std::vector<ir::Tensor> capture_values(const ir::Graph& g, const std::vector<ir::Tensor>& inputs,
                                       const std::vector<std::string>& names, const exec::ExecutorOptions& options);

// The first `rows` rows of every input (all when rows is 0 or more than there are).
std::vector<ir::Tensor> first_rows(const std::vector<ir::Tensor>& inputs, int64_t rows);

// How far a model's outputs moved from the reference outputs over the same rows.
struct OutputError {
  double relative = 0;   // sum (a - b)^2 / sum a^2 over every output element
  double snr_db = 0;     // -10 log10(relative), 200 when equal
  double agreement = 1;  // fraction of rows whose arg max agrees (outputs of shape [N, K > 1]); else 1
};
OutputError compare_outputs(const std::vector<ir::Tensor>& reference, const std::vector<ir::Tensor>& other);

}  // namespace tinyc::passes
