// Running a graph on rows and keeping chosen intermediate values: what pruning refits and
// calibration-row selection measure.
#pragma once

#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"

namespace tinyc::exec {

// The values named `names` (graph inputs or values computed at run time) over all rows of
// `inputs`, stacked along dim 0. Throws InternalError for a name the run never shows.
std::vector<ir::Tensor> capture_values(const ir::Graph& g, const std::vector<ir::Tensor>& inputs,
                                       const std::vector<std::string>& names, const ExecutorOptions& options);
// The same with an executor prepared once, for callers that capture over and over.
std::vector<ir::Tensor> capture_values(const Executor& executor, const std::vector<ir::Tensor>& inputs,
                                       const std::vector<std::string>& names);

}  // namespace tinyc::exec
