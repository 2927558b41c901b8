// The Pass interface: one graph rewrite with a name, options, and a summary of what it changed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/pass_options.h"

namespace tinyc::passes {

// What one run of a pass changed; shown with -v and kept for the report.
struct PassResult {
  bool changed = false;
  int64_t rewrites = 0;
  std::vector<std::string> declined;  // "conv1: BN output is a graph output"
  int64_t bytes_saved = 0;            // constant bytes removed from the model

  void record_rewrite() {
    changed = true;
    ++rewrites;
  }
  void decline(const std::string& node, const std::string& why) { declined.push_back(node + ": " + why); }
  // Accumulates a later iteration of the same pass (declines are kept from the last run only).
  void absorb(const PassResult& later);
};

struct PassContext;

// A pass matches patterns quietly and rewrites through Graph's API; it declines on models it
// cannot handle (recording why) and never asserts on user input.
class Pass {
 public:
  virtual ~Pass() = default;
  virtual PassResult run(ir::Graph& g) = 0;
  // What the pass manager calls. Passes that read data beyond the graph (calibration rows,
  // activation ranges: pass_context.h) override it; the others ignore the context.
  virtual PassResult run_with_context(ir::Graph& g, PassContext& context) { return run(g); }
};

}  // namespace tinyc::passes
