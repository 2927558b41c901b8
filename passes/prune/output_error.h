// How far a pruned model's outputs moved from the original's, measured on the first calibration rows.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/graph.h"

namespace tinyc::passes {

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
