// Executor: input checks, the choice between stacked and row-by-row batching, and the
// worker threads that run chunks of rows.
#include "exec/executor.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "exec/shape_inference.h"
#include "exec/workers.h"

namespace tinyc::exec {

namespace {

// Compile at the model's own input shapes.
constexpr int64_t kModelShapes = 0;

ir::Shape with_rows(ir::Shape shape, int64_t rows) {
  shape[0] = rows;
  return shape;
}

size_t row_bytes(const ir::Value& v) {
  return static_cast<size_t>(ir::num_elements({v.shape->begin() + 1, v.shape->end()})) * ir::dtype_size(v.dtype);
}

}  // namespace

Executor::~Executor() = default;

Executor::Executor(const ir::Graph& graph, ExecutorOptions options)
    : model_(graph.clone()), options_(options) {
  for (const ir::Value* in : model_->inputs())
    if (!in->shape || in->dtype == ir::DType::Undefined)
      throw InputError("graph input '" + in->name + "' has no static shape; give one with --input-shape");
  base_ = compile(kModelShapes);
  bool candidate = !model_->inputs().empty();
  for (const ir::Value* v : model_->inputs()) candidate = candidate && has_unit_batch(*v);
  for (const ir::Value* v : base_->graph().outputs()) candidate = candidate && has_unit_batch(*v);
  if (!candidate) return;
  std::shared_ptr<const Program> stacked;
  try {
    stacked = compile(2);
  } catch (const InputError&) {
    return;  // the graph does not re-infer at batch 2: rows run one at a time
  }
  stack_rows_ = rows_independent(*stacked);
  if (stack_rows_) programs_[2] = stacked;
}

std::shared_ptr<const Program> Executor::compile(int64_t rows) const {
  std::unique_ptr<ir::Graph> g = model_->clone();
  if (rows != kModelShapes)
    for (ir::Value* in : g->inputs()) in->shape = with_rows(*in->shape, rows);
  infer_shapes(*g);
  return std::make_shared<const Program>(std::move(g));
}

bool Executor::rows_independent(const Program& stacked) const {
  if (base_->mixes_axis0()) return false;
  std::unordered_set<std::string> runtime;
  for (const ir::Value* v : base_->runtime_values()) {
    runtime.insert(v->name);
    const ir::Value* s = stacked.graph().find_value(v->name);
    if (!has_unit_batch(*v) || !s || !s->shape || *s->shape != with_rows(*v->shape, 2)) return false;
  }
  for (const ir::Value* out : base_->graph().outputs())
    if (!out->is_graph_input() && !runtime.count(out->name)) return false;
  return true;
}

std::shared_ptr<const Program> Executor::program_for(int64_t rows) const {
  if (rows == 1) return base_;  // the model's own batch is 1 whenever rows are split
  std::lock_guard<std::mutex> lock(programs_mutex_);
  auto it = programs_.find(rows);
  if (it == programs_.end()) it = programs_.emplace(rows, compile(rows)).first;
  return it->second;
}

std::vector<ir::Tensor> Executor::run(const std::vector<ir::Tensor>& inputs, const Observer& observer) const {
  const auto& model_inputs = model_->inputs();
  if (inputs.size() != model_inputs.size())
    throw InputError("the model takes " + std::to_string(model_inputs.size()) + " inputs, got " +
                     std::to_string(inputs.size()));
  bool exact = true;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Value& v = *model_inputs[i];
    if (inputs[i].dtype() != v.dtype)
      throw InputError("input '" + v.name + "' must be " + std::string(ir::dtype_name(v.dtype)) + ", got " +
                       std::string(ir::dtype_name(inputs[i].dtype())));
    exact = exact && inputs[i].shape() == *v.shape;
  }
  if (exact) {
    std::vector<ir::Tensor> outputs;
    std::vector<void*> out_ptrs;
    std::vector<const void*> in_ptrs;
    for (const ir::Value* out : base_->graph().outputs()) outputs.emplace_back(out->dtype, *out->shape);
    for (ir::Tensor& t : outputs) out_ptrs.push_back(t.mutable_bytes().data());
    for (const ir::Tensor& t : inputs) in_ptrs.push_back(t.bytes().data());
    std::vector<std::byte> arena(base_->memory_plan().arena_bytes);
    base_->run(in_ptrs, out_ptrs, arena, observer ? &observer : nullptr, 0);
    return outputs;
  }
  const int64_t rows = inputs.front().shape().empty() ? -1 : inputs.front().shape()[0];
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Value& v = *model_inputs[i];
    if (!has_unit_batch(v) || inputs[i].shape().empty() || inputs[i].shape() != with_rows(*v.shape, rows))
      throw InputError("input '" + v.name + "' has shape " + ir::shape_to_string(inputs[i].shape()) +
                       "; expected the model's " + ir::shape_to_string(*v.shape) +
                       (has_unit_batch(v) ? " with dim 0 = the row count of the first input" : ""));
  }
  for (const ir::Value* out : base_->graph().outputs())
    if (!has_unit_batch(*out))
      throw InputError("output '" + out->name + "' has shape " + ir::shape_to_string(*out->shape) +
                       " without a batch dim of 1, so rows cannot be stacked; run one row at a time");
  return run_rows(inputs, rows, observer);
}

std::vector<ir::Tensor> Executor::run_rows(const std::vector<ir::Tensor>& inputs, int64_t rows,
                                                const Observer& observer) const {
  const ir::Graph& g = base_->graph();
  std::vector<ir::Tensor> outputs;
  for (const ir::Value* out : g.outputs()) outputs.emplace_back(out->dtype, with_rows(*out->shape, rows));
  const int64_t chunk = stack_rows_ ? std::max<int64_t>(1, options_.rows_per_chunk) : 1;
  const int64_t chunks = (rows + chunk - 1) / chunk;
  std::mutex mutex;  // serializes observer calls
  const Observer serialized = [&](const ObservedValue& v) {
    std::lock_guard<std::mutex> lock(mutex);
    observer(v);
  };
  // Each thread keeps its arena and pointer buffers from chunk to chunk.
  run_indexed(chunks, options_.threads, [&] {
    return [&, arena = std::vector<std::byte>(), in_ptrs = std::vector<const void*>(inputs.size()),
            out_ptrs = std::vector<void*>(outputs.size())](int64_t c) mutable {
      const int64_t first = c * chunk;
      const std::shared_ptr<const Program> program = program_for(std::min(chunk, rows - first));
      arena.resize(std::max(arena.size(), program->memory_plan().arena_bytes));
      for (size_t i = 0; i < inputs.size(); ++i)
        in_ptrs[i] = inputs[i].bytes().data() + static_cast<size_t>(first) * row_bytes(*g.inputs()[i]);
      for (size_t i = 0; i < outputs.size(); ++i)
        out_ptrs[i] = outputs[i].mutable_bytes().data() + static_cast<size_t>(first) * row_bytes(*g.outputs()[i]);
      program->run(in_ptrs, out_ptrs, arena, observer ? &serialized : nullptr, first);
    };
  });
  return outputs;
}

}  // namespace tinyc::exec
