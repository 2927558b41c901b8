// The pruning side of `compress`: --prune and --prune-granularity, and what the report shows of it.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/prune.h"
#include "report/accuracy_report.h"

namespace tinyc::cli {

// What the user asked of pruning; no --prune = no pruning (--prune 0 is refused, not ignored).
struct PruneCliOptions {
  double ratio = 0;
  bool given = false;  // --prune was on the command line
  std::string granularity = "structured";

  bool enabled() const { return given; }
};

void add_prune_options(CLI::App& cmd, PruneCliOptions& opt);

// Checks the options before any work: InputError for a ratio outside (0, 1) or a granularity
// without --prune.
passes::PruneOptions plan_pruning(const PruneCliOptions& opt, const exec::ExecutorOptions& executor);

// The report's view of what pruning did; `pruned` is the float graph right after pruning.
report::PruningFacts pruning_facts(const passes::PruneReport& pruned_report, double requested_ratio,
                                   const ir::Graph& pruned);

}  // namespace tinyc::cli
