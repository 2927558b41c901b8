// Sensitivity curves and the greedy allocation. The allocation treats the units' errors as
// additive (the sum of their relative output errors), which holds for small errors and ranks
// layers well beyond; weights and MACs removed are counted exactly, since removing a channel
// shrinks both its producer and every layer that reads it.
#include "passes/prune/sensitivity.h"

#include <limits>
#include <utility>

#include "exec/workers.h"

namespace tinyc::passes {

double SensitivityCurve::error_at(int64_t count) const {
  for (size_t i = 1; i < counts.size(); ++i) {
    if (count > counts[i]) continue;
    const double t = static_cast<double>(count - counts[i - 1]) / static_cast<double>(counts[i] - counts[i - 1]);
    return errors[i - 1].relative + t * (errors[i].relative - errors[i - 1].relative);
  }
  return errors.back().relative;
}

std::vector<SensitivityCurve> measure_sensitivity(const std::vector<ir::Tensor>& reference,
                                                  const std::vector<std::vector<int64_t>>& counts,
                                                  const std::vector<int64_t>& sizes, const PrunedOutputs& pruned_outputs,
                                                  int threads) {
  std::vector<SensitivityCurve> curves(counts.size());
  std::vector<std::pair<size_t, int64_t>> points;  // (unit, count) of every measurement
  for (size_t u = 0; u < counts.size(); ++u) {
    SensitivityCurve& c = curves[u];
    c.size = sizes[u];
    c.counts = {0};
    for (int64_t k : counts[u]) {
      if (k <= c.counts.back()) continue;
      c.counts.push_back(k);
      points.emplace_back(u, k);
    }
  }
  std::vector<OutputError> errors(points.size());
  exec::run_indexed(static_cast<int64_t>(points.size()), threads, [&] {
    return [&](int64_t i) {
      const auto [u, k] = points[static_cast<size_t>(i)];
      errors[static_cast<size_t>(i)] = compare_outputs(reference, pruned_outputs(u, k));
    };
  });
  size_t next = 0;
  for (SensitivityCurve& c : curves) {
    c.errors = {OutputError{0, 200, 1}};
    while (c.errors.size() < c.counts.size()) c.errors.push_back(errors[next++]);
  }
  return curves;
}

namespace {

// How far `removed` falls short of `target`, each resource relative to the graph's total.
double shortfall(const Resources& removed, const Resources& target, const Resources& total) {
  const auto part = [](int64_t missing, int64_t all) {
    return missing > 0 && all > 0 ? static_cast<double>(missing) / static_cast<double>(all) : 0.0;
  };
  return part(target.weights - removed.weights, total.weights) + part(target.macs - removed.macs, total.macs);
}

}  // namespace

std::vector<int64_t> allocate_counts(const std::vector<SensitivityCurve>& curves, Resources target, Resources total,
                                     const RemovedResources& removed) {
  std::vector<int64_t> state(curves.size(), 0);
  double missing = shortfall(removed(state), target, total);
  while (missing > 0) {
    double best_slope = std::numeric_limits<double>::infinity();
    size_t best_unit = 0;
    int64_t best_count = 0;
    for (size_t u = 0; u < curves.size(); ++u) {
      const double here = curves[u].error_at(state[u]);
      for (int64_t k : curves[u].counts) {
        if (k <= state[u]) continue;
        std::vector<int64_t> next = state;
        next[u] = k;
        const double gain = missing - shortfall(removed(next), target, total);
        if (gain <= 0) continue;
        const double slope = (curves[u].error_at(k) - here) / gain;
        if (slope < best_slope) {
          best_slope = slope;
          best_unit = u;
          best_count = k;
        }
      }
    }
    if (best_slope == std::numeric_limits<double>::infinity()) break;
    // Stop the move at the first count that meets the targets (the shortfall falls as counts grow).
    int64_t lo = state[best_unit] + 1, hi = best_count;
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      std::vector<int64_t> next = state;
      next[best_unit] = mid;
      if (shortfall(removed(next), target, total) == 0)
        hi = mid;
      else
        lo = mid + 1;
    }
    state[best_unit] = lo;
    missing = shortfall(removed(state), target, total);
  }
  return state;
}

}  // namespace tinyc::passes
