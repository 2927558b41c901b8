// Executor: runs a graph on batches of rows, on every core: the float model (the reference half of
// the accuracy report and the source of calibration activations) and its quantized form
// (docs/ir.md), whose int8 nodes run TFLite Micro's integer arithmetic (the other half).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exec/program.h"
#include "ir/graph.h"

namespace tinyc::exec {

// How run() splits its rows into work: threads, and rows stacked into one program run.
struct ExecutorOptions {
  int threads = 0;              // worker threads; 0 = one per hardware core
  int64_t rows_per_chunk = 32;  // rows stacked into one program run when the graph allows it
};

// True when v's shape is known and its dim 0 is 1: a value that holds one slice per row when rows
// are stacked along dim 0.
inline bool has_unit_batch(const ir::Value& v) { return v.shape && !v.shape->empty() && (*v.shape)[0] == 1; }

// Batching: the model's shapes have batch 1. A run of N rows is split into chunks that worker
// threads take in turn. When the graph keeps rows independent, a chunk of R rows runs as one
// program compiled for batch R (the graph cloned with input dim 0 set to R and shapes re-inferred);
// otherwise (e.g. a Reshape that hard-codes batch 1) each row runs alone. Rows are independent
// when, at batch 2, every value computed at run time has dim 0 equal to 2 where batch 1 gives 1
// and its other dims unchanged, every graph output is such a value, and no kernel mixes elements
// across axis 0 (Softmax over axis 0). Stacked rows equal single-row results up to float
// rounding (a Gemm over many rows sums in a different order than over one); int8 nodes compute
// in integers, so there they are equal bit for bit.
class Executor {
 public:
  // Copies the graph; throws InputError for unsupported ops or shapes that cannot be inferred.
  explicit Executor(const ir::Graph& graph, ExecutorOptions options = {});
  ~Executor();

  // inputs[i] is graph input i: either exactly the model's shape, or the model's shape with
  // dim 0 (which must be 1) replaced by the row count N, the same N for every input. Returns
  // the graph outputs in order, with dim 0 = N in the second case. The observer, when set, is
  // called (one call at a time) for every value computed at run time, chunk by chunk.
  std::vector<ir::Tensor> run(const std::vector<ir::Tensor>& inputs, const Observer& observer = {}) const;

  // True when chunks of rows run stacked; false when rows run one at a time.
  bool stacks_rows() const { return stack_rows_; }
  // The graph with inferred shapes at the model's own batch size, and its compiled program.
  const ir::Graph& graph() const { return base_->graph(); }
  const MemoryPlan& memory_plan() const { return base_->memory_plan(); }

 private:
  std::shared_ptr<const Program> compile(int64_t rows) const;
  std::shared_ptr<const Program> program_for(int64_t rows) const;
  bool rows_independent(const Program& stacked) const;
  std::vector<ir::Tensor> run_rows(const std::vector<ir::Tensor>& inputs, int64_t rows, const Observer& observer) const;

  std::unique_ptr<ir::Graph> model_;
  ExecutorOptions options_;
  std::shared_ptr<const Program> base_;
  bool stack_rows_ = false;
  mutable std::mutex programs_mutex_;
  mutable std::map<int64_t, std::shared_ptr<const Program>> programs_;  // by stacked row count
};

}  // namespace tinyc::exec
