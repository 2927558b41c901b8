// Capturing the values of a graph that is being changed layer by layer, producers first: what
// pruning's refits read. Each value asked for is computed from the values captured before it, so a
// sweep that asks for every layer's input runs each node about once instead of once per layer.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"

namespace tinyc::exec {

// Values of `graph` over rows. The graph may change between calls (it is read at each call), but only
// downstream of every value captured so far: a sweep in topological order that changes a layer after
// asking for its input keeps this true. A captured value becomes a starting point of later calls when
// its shape at batch 1 has dim 0 = 1 (it then holds one slice per row); other values are recomputed
// from the graph inputs.
class StagedCapture {
 public:
  // `inputs` as for Executor::run (graph input i, dim 0 = the row count).
  StagedCapture(const ir::Graph& graph, const std::vector<ir::Tensor>& inputs, ExecutorOptions options);

  // Takes `values` (name -> value over all rows) as the graph computes them, e.g. from an identical
  // copy of its upstream part: starting points, as if captured. They are shared, not copied.
  void know(const std::map<std::string, std::shared_ptr<const ir::Tensor>>& values);
  // Value `name` (a graph input or a value computed at run time) over all rows, stacked along dim 0;
  // the reference lasts as long as the capture.
  const ir::Tensor& value(const std::string& name);
  // The graph outputs over all rows, in order.
  std::vector<ir::Tensor> outputs();

 private:
  const ir::Tensor& keep(const ir::Value& v, std::shared_ptr<const ir::Tensor> t);

  const ir::Graph& graph_;
  ExecutorOptions options_;
  int64_t rows_ = -1;                       // -1 when the inputs do not have a row per slice
  // Graph inputs and every value captured or told, over all rows.
  std::map<std::string, std::shared_ptr<const ir::Tensor>> known_;
  std::map<std::string, ir::Shape> starts_;  // the starting points among them: their shapes at batch 1
};

}  // namespace tinyc::exec
