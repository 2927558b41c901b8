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

// The same with every documented option of every step, given or default, in documented order:
// the text that replays exactly this pipeline, whatever the defaults are.
std::string pipeline_to_full_string(const std::vector<PipelineStep>& steps);

// Refuses (InputError) before any work a pipeline that cannot run: each step's option values are
// checked by creating its pass; prune, equalize_cross_layer and bias_correction need float weights,
// so they must come before quantize_int8, which may run once.
void check_pipeline(const std::vector<PipelineStep>& steps);

// Whether a step of that pass is in the pipeline.
bool has_step(const std::vector<PipelineStep>& steps, const std::string& pass);

}  // namespace tinyc::passes
