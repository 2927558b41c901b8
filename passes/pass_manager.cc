// The pass manager loop.
#include "passes/pass_manager.h"

#include <chrono>

#include "exec/shape_inference.h"
#include "ir/verify.h"

namespace tinyc::passes {

std::vector<PassSummary> run_pipeline(ir::Graph& g, const std::vector<PipelineStep>& steps,
                                      const PassManagerOptions& options, PassContext* context) {
  PassContext empty;
  PassContext& ctx = context ? *context : empty;
  std::vector<PassSummary> summaries;
  for (const PipelineStep& step : steps) {
    const auto start = std::chrono::steady_clock::now();
    PassSummary summary{step.info->name, {}, 0, 0};
    std::unique_ptr<Pass> pass = step.info->create(step.options);
    const int limit = step.info->repeat_until_fixed_point ? options.max_iterations : 1;
    for (int i = 0; i < limit; ++i) {
      PassResult r = pass->run_with_context(g, ctx);
      ++summary.iterations;
      exec::infer_shapes(g);
      ir::verify_or_throw(g, "after pass " + step.info->name);
      summary.result.absorb(r);
      if (!r.changed) break;
    }
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.after_pass) options.after_pass(step.info->name, g);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

std::string describe(const PassSummary& s) {
  std::string out = s.name + ": " + std::to_string(s.result.rewrites) + " rewrite" + (s.result.rewrites == 1 ? "" : "s");
  if (s.result.bytes_saved) out += ", " + std::to_string(s.result.bytes_saved) + " B saved";
  if (!s.result.declined.empty()) {
    out += "; declined:";
    for (const auto& d : s.result.declined) out += " [" + d + "]";
  }
  return out;
}

}  // namespace tinyc::passes
