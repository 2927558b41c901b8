// The two pruning granularities behind one interface, so sensitivity measurement, ratio allocation,
// removal and refits (passes/prune.cc) are written once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "passes/prune/prune.h"
#include "passes/prune/sensitivity.h"

namespace tinyc::passes {

// A granularity's view of a graph: prunable units (channel groups or weight tensors), each
// removing its elements least important first.
class PruneMethod {
 public:
  virtual ~PruneMethod() = default;

  virtual size_t unit_count() const = 0;
  virtual std::string unit_name(size_t unit) const = 0;
  virtual int64_t unit_size(size_t unit) const = 0;
  // Removes the `count` least important elements of `unit` (only) from g, the analysed graph or a
  // clone of it.
  virtual void prune_unit(ir::Graph& g, size_t unit, int64_t count) const = 0;
  // Conv/Gemm weight elements and MACs before pruning, and how many counts[u] per unit remove
  // (unstructured pruning removes no MACs).
  virtual Resources prunable() const = 0;
  virtual Resources removed(const std::vector<int64_t>& counts) const = 0;
  // Prunes every unit by its count; returns the layers to refit, producers before readers.
  virtual std::vector<std::string> apply(ir::Graph& g, const std::vector<int64_t>& counts) const = 0;
  // The original output channels of `node` left after apply(counts).
  virtual std::vector<int64_t> kept_outputs(const ir::Graph& original, const std::string& node,
                                            const std::vector<int64_t>& counts) const = 0;
  // Whether refits must keep zeroed weights at zero.
  virtual bool masked() const = 0;
  // Parts of the graph that cannot be pruned, with the reason.
  virtual std::vector<std::string> declined() const = 0;
};

// Structured: units are the graph's unlocked channel groups, ranked by options.ranking (activation
// ranking runs g on `rows`).
std::unique_ptr<PruneMethod> make_structured_method(const ir::Graph& g, const PruneOptions& options,
                                                    const std::vector<ir::Tensor>& rows);
// Unstructured: units are the Conv/Gemm weights, zeroed by obs_prune (prune_obs.h) with the second
// moments of each layer's inputs measured by running g on `rows`.
std::unique_ptr<PruneMethod> make_unstructured_method(const ir::Graph& g, const PruneOptions& options,
                                                      const std::vector<ir::Tensor>& rows);

}  // namespace tinyc::passes
