// Textual pipelines: "fold_constants,fold_batchnorm,prune(ratio=0.5)" -> steps to run.
#pragma once

#include <string>
#include <vector>

#include "passes/registry.h"

namespace tinyc::passes {

// One pass with its options, ready to instantiate.
struct PipelineStep {
  const PassInfo* info;
  PassOptions options;
};

// Throws InputError naming the position and the problem (unknown pass, unknown option,
// unbalanced parentheses, empty step).
std::vector<PipelineStep> parse_pipeline(const std::string& text);

// The canonical text of a pipeline (inverse of parse_pipeline).
std::string pipeline_to_string(const std::vector<PipelineStep>& steps);

}  // namespace tinyc::passes
