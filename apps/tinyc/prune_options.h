// The pruning side of `compress`: --prune and --prune-granularity, and what the report shows of it.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "ir/graph.h"
#include "passes/prune/prune.h"
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

// The pipeline step the options ask for, e.g. "prune(ratio=0.5,granularity=structured)"; empty
// without --prune. InputError for a ratio outside (0, 1) or a granularity without --prune.
std::string prune_step(const PruneCliOptions& opt);

// The report's view of what pruning did; `pruned` is the float graph right after pruning.
report::PruningFacts pruning_facts(const passes::PruneReport& pruned_report, const ir::Graph& pruned);

}  // namespace tinyc::cli
