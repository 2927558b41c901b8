// Runs a pipeline: each pass, then shape inference and verify(); fixed-point loops are capped.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "passes/pass_context.h"
#include "passes/pipeline.h"

namespace tinyc::passes {

// What one pipeline step did, for -v logs and the report.
struct PassSummary {
  std::string name;
  PassResult result;
  int iterations = 0;
  double seconds = 0;
};

struct PassManagerOptions {
  int max_iterations = 8;  // cap for passes that repeat until the graph stops changing
  // Called after each step with the pass name and the graph (e.g. --dump-after writes ONNX).
  std::function<void(const std::string& pass, const ir::Graph& g)> after_pass;
};

// Precondition: g has inferred shapes. `context` (optional) is handed to every pass; passes that need
// calibration data throw InputError without it. Throws InternalError if a pass leaves an invalid graph.
std::vector<PassSummary> run_pipeline(ir::Graph& g, const std::vector<PipelineStep>& steps,
                                      const PassManagerOptions& options = {}, PassContext* context = nullptr);

// "fold_batchnorm: 9 rewrites, 38,400 B saved; declined: conv3: BN output is a graph output"
std::string describe(const PassSummary& summary);

}  // namespace tinyc::passes
