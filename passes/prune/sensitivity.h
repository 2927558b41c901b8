// Per-layer sensitivity to pruning and the choice of per-layer ratios that removes a target number
// of weights with the least summed output error (shared by structured and unstructured pruning).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "ir/tensor.h"
#include "passes/prune/output_error.h"

namespace tinyc::passes {

// Conv/Gemm weight elements and multiply-accumulates per inference (of a graph, or removed from it).
struct Resources {
  int64_t weights = 0;
  int64_t macs = 0;
};

// One prunable unit (a channel group or a weight tensor): `size` removable elements (channels or
// weights), the removal counts its curve was measured at (ascending, first 0) and the relative
// output error measured there (first 0).
struct SensitivityCurve {
  int64_t size = 0;
  std::vector<int64_t> counts;
  std::vector<OutputError> errors;

  // Relative error at `count`, linear between measured points.
  double error_at(int64_t count) const;
};

// A graph's outputs on the sensitivity rows with only unit `unit` pruned, by its `count` least
// important elements.
using PrunedOutputs = std::function<std::vector<ir::Tensor>(size_t unit, int64_t count)>;

// Measures every unit's curve at the given counts: each point's outputs (pruned_outputs) against
// `reference`, the unpruned graph's outputs on the same rows. The points run on `threads` threads
// (0 = one per core), so pruned_outputs must be safe to call from several at once; the curves do
// not depend on the thread count.
std::vector<SensitivityCurve> measure_sensitivity(const std::vector<ir::Tensor>& reference,
                                                  const std::vector<std::vector<int64_t>>& counts,
                                                  const std::vector<int64_t>& sizes, const PrunedOutputs& pruned_outputs,
                                                  int threads);

// Weights and MACs removed when unit u removes counts[u] elements.
using RemovedResources = std::function<Resources(const std::vector<int64_t>& counts)>;

// Greedy allocation: starting from nothing removed, repeatedly moves the one unit whose next step
// (to any later measured point) costs the least error per unit of progress, until at least
// target.weights weights and target.macs MACs are removed. Progress is the drop of the shortfall
// max(0, target.weights - removed.weights) / total.weights + the same for MACs. The last move stops
// at the first count that meets both targets. Units never pass their last measured point, so the
// result falls short of the targets when that is all there is.
std::vector<int64_t> allocate_counts(const std::vector<SensitivityCurve>& curves, Resources target, Resources total,
                                     const RemovedResources& removed);

}  // namespace tinyc::passes
