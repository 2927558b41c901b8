// The evaluation behind the accuracy-delta report: the same eval rows go through the float original
// and through the compressed graph, chunk by chunk, and one pass over the data yields both the
// output metrics and the per-layer error table.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"
#include "report/layer_error.h"
#include "report/metrics.h"

namespace tinyc::report {

// What the data and the float model allow, known before any row runs (gates are checked against it).
struct EvaluationPlan {
  OutputTask task = OutputTask::Other;
  int64_t rows = 0;
  int64_t classes = 0;  // values per row of output 0 when it holds class scores
  std::vector<int64_t> labels;  // one per row; empty without labels
  std::vector<int64_t> normal_classes;
  bool has_labels() const { return !labels.empty(); }
};

// Checks the eval rows (already the input's dtype, dim 0 = rows; see exec::as_input_rows) and the
// labels (any integer type, shape [rows]) against the float graph, which needs inferred shapes and
// exactly one input. InputError names `labels_source` for labels that do not fit: wrong count, or
// outside the classifier's classes. `normal_classes` are kept for a reconstruction output.
EvaluationPlan plan_evaluation(const ir::Graph& reference, const ir::Tensor& rows,
                               const std::optional<ir::Tensor>& labels, const std::string& labels_source,
                               std::vector<int64_t> normal_classes = {});

// Called after each chunk with the rows done so far and the total.
using EvaluationProgress = std::function<void(int64_t done, int64_t total)>;

struct EvaluationOptions {
  int threads = 0;                             // executor threads; 0 = one per core
  int64_t max_chunk_rows = 256;                // rows run through both graphs before comparing
  int64_t layer_buffer_bytes = int64_t{64} << 20;  // cap on float activations kept for one chunk
  EvaluationProgress progress;
};

// What the evaluation found.
struct Evaluation {
  Metrics metrics;
  LayerErrorTable layers;
  double seconds = 0;
  // Percent of the eval rows' values beyond the int8 range of the compressed model's input (0 when
  // its input is float or not quantized by one QuantizeLinear).
  double input_clipped_pct = 0;
};

// Runs `rows` through both graphs (each needs inferred shapes; the compressed one may be float or
// int8 with float inputs and outputs) and compares them. Throws InputError when the graphs' outputs
// do not correspond (count or values per row) or a graph cannot run.
Evaluation evaluate_models(const ir::Graph& reference, const ir::Graph& compressed, const ir::Tensor& rows,
                           const EvaluationPlan& plan, const EvaluationOptions& options = {});

// The float model's outputs on a set of rows, computed once and compared with many compressed
// models (tinyc fit measures every configuration it tries against the same float outputs).
struct ReferenceOutputs {
  std::vector<std::string> names;   // the float graph's outputs
  std::vector<ir::Tensor> outputs;  // one per output, dim 0 = rows
};

// Runs `rows` through `reference` (inferred shapes, one input) in chunks of options.max_chunk_rows.
ReferenceOutputs run_reference(const ir::Graph& reference, const ir::Tensor& rows,
                               const EvaluationOptions& options = {});

// The output metrics evaluate_models would report for `compressed` against the graph `reference`
// was computed from, on the same rows (no per-layer table). Throws InputError as evaluate_models.
Metrics compare_with_reference(const ReferenceOutputs& reference, const ir::Graph& compressed, const ir::Tensor& rows,
                               const EvaluationPlan& plan, const EvaluationOptions& options = {});

}  // namespace tinyc::report
