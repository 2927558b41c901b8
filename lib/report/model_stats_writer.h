// Renders ModelStats as a human-readable table or as JSON (the `inspect` outputs).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/model_stats.h"

namespace tinyc::report {

// The model facts `inspect` shows besides the statistics.
struct ModelSummary {
  std::string model_path;
  std::vector<std::string> inputs;   // "input float32 [1x1x28x28]"
  std::vector<std::string> outputs;
  std::vector<std::string> unsupported_ops;  // "Loop (node loop_0)"
};

std::string stats_to_text(const ModelSummary& summary, const ModelStats& stats);
nlohmann::json stats_to_json(const ModelSummary& summary, const ModelStats& stats);

}  // namespace tinyc::report
