// Model facts for the report and the overall gate verdict.
#include "report/accuracy_report.h"

#include <algorithm>

#include "exec/executor.h"
#include "report/model_stats.h"

namespace tinyc::report {

ModelFacts model_facts(const ir::Graph& g, std::string path, std::optional<int64_t> file_bytes) {
  const ModelStats stats = compute_model_stats(g);
  const exec::Executor one_row(g, {1, 1});
  return {std::move(path),
          file_bytes,
          static_cast<int64_t>(g.node_count()),
          stats.params,
          stats.weight_bytes_stored,
          stats.macs,
          static_cast<int64_t>(one_row.memory_plan().arena_bytes),
          std::nullopt,
          std::nullopt,
          std::nullopt};
}

bool AccuracyReport::gates_passed() const {
  return std::all_of(gates.begin(), gates.end(), [](const GateResult& r) { return r.passed; });
}

}  // namespace tinyc::report
