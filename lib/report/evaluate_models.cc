// Evaluation driver: checks data and labels, then runs both graphs chunk by chunk with observers.
#include "report/evaluate_models.h"

#include <algorithm>
#include <chrono>

#include "exec/executor.h"
#include "ir/error.h"
#include "ir/tensor_rows.h"

namespace tinyc::report {

namespace {

// Rows per chunk: small enough that the float activations kept for the per-layer table fit the budget.
int64_t chunk_rows(const EvaluationOptions& options, int64_t bytes_per_row) {
  int64_t rows = std::max<int64_t>(1, options.max_chunk_rows);
  if (bytes_per_row > 0) rows = std::min(rows, std::max<int64_t>(1, options.layer_buffer_bytes / bytes_per_row));
  return rows;
}

std::vector<int64_t> checked_labels(const ir::Tensor& labels, const std::string& source, int64_t rows) {
  if (!ir::is_integer(labels.dtype()))
    throw InputError(source + " holds " + std::string(ir::dtype_name(labels.dtype())) +
                     " values; labels must be integer class indices");
  if (labels.num_elements() != rows || labels.shape().empty() || labels.shape()[0] != rows)
    throw InputError(source + " has shape " + ir::shape_to_string(labels.shape()) + " but the eval data has " +
                     std::to_string(rows) + " rows; give one label per row");
  return labels.to_int64();
}

// The share of `rows` outside the range of the int8 value the compressed graph's input edge makes.
double input_clipped_pct(const ir::Graph& compressed, const ir::Tensor& rows) {
  if (compressed.inputs().size() != 1 || rows.dtype() != ir::DType::Float32 || rows.num_elements() == 0) return 0;
  for (const ir::Use& use : compressed.inputs()[0]->uses()) {
    if (use.node->op_type != "QuantizeLinear" || !use.node->output(0)) continue;
    const auto range = representable_range(*use.node->output(0));
    if (!range) continue;
    const auto v = rows.values<float>();
    const auto outside = std::count_if(v.begin(), v.end(), [&](float x) { return x < range->first || x > range->second; });
    return 100.0 * static_cast<double>(outside) / static_cast<double>(v.size());
  }
  return 0;
}

// Calls run(begin, end) for consecutive chunks of `rows` (dim 0) of at most `chunk` rows, as a graph
// whose input is `input` takes them: a model whose batch is not 1 takes all rows in one run of
// exactly its shape.
template <class Run>
void for_each_chunk(const ir::Value& input, const ir::Tensor& rows, int64_t chunk, Run&& run) {
  const int64_t total = rows.shape().empty() ? 0 : rows.shape()[0];
  const bool unit_batch = !input.shape->empty() && (*input.shape)[0] == 1;
  const int64_t step = unit_batch ? std::max<int64_t>(1, chunk) : std::max<int64_t>(1, total);
  for (int64_t begin = 0; begin < total; begin += step) run(begin, std::min(total, begin + step));
}

// The labels of rows begin..end-1; empty without labels.
std::vector<int64_t> labels_of(const EvaluationPlan& plan, int64_t begin, int64_t end) {
  if (!plan.has_labels()) return {};
  return {plan.labels.begin() + begin, plan.labels.begin() + end};
}

void check_output_count(size_t reference, size_t compressed) {
  if (reference != compressed)
    throw InputError("the float model has " + std::to_string(reference) + " outputs but the compressed model has " +
                     std::to_string(compressed));
}

}  // namespace

EvaluationPlan plan_evaluation(const ir::Graph& reference, const ir::Tensor& rows,
                               const std::optional<ir::Tensor>& labels, const std::string& labels_source,
                               std::vector<int64_t> normal_classes) {
  if (reference.inputs().size() != 1)
    throw InputError("evaluation takes models with one input; this model has " +
                     std::to_string(reference.inputs().size()));
  const ir::Value* input = reference.inputs()[0];
  const ir::Value* output = reference.outputs().empty() ? nullptr : reference.outputs()[0];
  if (!input->shape || !output || !output->shape)
    throw InternalError("plan_evaluation needs a graph with inferred shapes");
  EvaluationPlan plan;
  plan.rows = rows.shape().empty() ? 0 : rows.shape()[0];
  const int64_t output_row = ir::num_elements(*output->shape);
  plan.task = output_task(ir::num_elements(*input->shape), *output->shape);
  if (plan.task == OutputTask::Classification) plan.classes = output_row;
  if (labels) {
    plan.labels = checked_labels(*labels, labels_source, plan.rows);
    for (size_t row = 0; plan.task == OutputTask::Classification && row < plan.labels.size(); ++row)
      if (plan.labels[row] < 0 || plan.labels[row] >= plan.classes)
        throw InputError(labels_source + ": label " + std::to_string(plan.labels[row]) + " of row " +
                         std::to_string(row) + " is not one of the model's " + std::to_string(plan.classes) +
                         " classes (0.." + std::to_string(plan.classes - 1) + ")");
  }
  if (plan.task == OutputTask::Reconstruction) plan.normal_classes = std::move(normal_classes);
  return plan;
}

Evaluation evaluate_models(const ir::Graph& reference, const ir::Graph& compressed, const ir::Tensor& rows,
                           const EvaluationPlan& plan, const EvaluationOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const exec::Executor reference_run(reference, {options.threads});
  const exec::Executor compressed_run(compressed, {options.threads});
  const ir::Graph& ref = reference_run.graph();
  const ir::Graph& comp = compressed_run.graph();
  check_output_count(ref.outputs().size(), comp.outputs().size());
  std::vector<std::string> names;
  for (const ir::Value* out : ref.outputs()) names.push_back(out->name);

  LayerErrorCollector layers(ref, comp);
  MetricsAccumulator metrics(names, plan.task, plan.normal_classes);
  const int64_t total = rows.shape().empty() ? 0 : rows.shape()[0];
  for_each_chunk(*ref.inputs()[0], rows, chunk_rows(options, layers.bytes_per_row()), [&](int64_t begin, int64_t end) {
    const std::vector<ir::Tensor> slice{ir::slice_rows(rows, begin, end)};
    const std::vector<ir::Tensor> ref_out = reference_run.run(slice, layers.reference_observer(end - begin));
    const std::vector<ir::Tensor> comp_out = compressed_run.run(slice, layers.compressed_observer());
    const std::vector<int64_t> labels = labels_of(plan, begin, end);
    metrics.add(ref_out, comp_out, slice[0], plan.has_labels() ? &labels : nullptr);
    if (options.progress) options.progress(end, total);
  });
  Evaluation result{metrics.finish(), layers.finish(), 0, input_clipped_pct(comp, rows)};
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

ReferenceOutputs run_reference(const ir::Graph& reference, const ir::Tensor& rows, const EvaluationOptions& options) {
  const exec::Executor run(reference, {options.threads});
  ReferenceOutputs result;
  for (const ir::Value* out : run.graph().outputs()) result.names.push_back(out->name);
  std::vector<std::vector<ir::Tensor>> parts(result.names.size());
  for_each_chunk(*run.graph().inputs()[0], rows, options.max_chunk_rows, [&](int64_t begin, int64_t end) {
    std::vector<ir::Tensor> out = run.run({ir::slice_rows(rows, begin, end)});
    for (size_t i = 0; i < out.size(); ++i) parts[i].push_back(std::move(out[i]));
  });
  for (const std::vector<ir::Tensor>& p : parts) result.outputs.push_back(ir::concat_rows(p));
  return result;
}

Metrics compare_with_reference(const ReferenceOutputs& reference, const ir::Graph& compressed, const ir::Tensor& rows,
                               const EvaluationPlan& plan, const EvaluationOptions& options) {
  const exec::Executor run(compressed, {options.threads});
  check_output_count(reference.names.size(), run.graph().outputs().size());
  MetricsAccumulator metrics(reference.names, plan.task, plan.normal_classes);
  const int64_t total = rows.shape().empty() ? 0 : rows.shape()[0];
  for_each_chunk(*run.graph().inputs()[0], rows, options.max_chunk_rows, [&](int64_t begin, int64_t end) {
    const ir::Tensor slice = ir::slice_rows(rows, begin, end);
    std::vector<ir::Tensor> ref_out;
    for (const ir::Tensor& out : reference.outputs) ref_out.push_back(ir::slice_rows(out, begin, end));
    const std::vector<int64_t> labels = labels_of(plan, begin, end);
    metrics.add(ref_out, run.run({slice}), slice, plan.has_labels() ? &labels : nullptr);
    if (options.progress) options.progress(end, total);
  });
  return metrics.finish();
}

}  // namespace tinyc::report
