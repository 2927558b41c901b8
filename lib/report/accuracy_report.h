// The accuracy-delta report: everything `compress` tells about a compressed model (sizes, compute,
// passes, output metrics, per-layer error, gates), held once and rendered by the writers
// (report_json.h, report_markdown.h, report_summary.h). Pass summaries arrive as text, so this
// module does not depend on the passes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calib/select_rows.h"
#include "ir/graph.h"
#include "report/evaluate_models.h"
#include "report/gates.h"
#include "report/targets.h"

namespace tinyc::report {

// Size and compute facts of one model.
struct ModelFacts {
  std::string path;
  std::optional<int64_t> file_bytes;  // the model file on disk, when known
  int64_t nodes = 0;
  int64_t params = 0;        // learned weight elements (report::ModelStats)
  int64_t weight_bytes = 0;  // those weights as stored: 4 per float32, 1 per int8, 4 per int32
  int64_t macs = 0;
  // Activation RAM one inference needs: for a written .tflite, the head of TFLite Micro's arena with
  // the plan the blob carries (every tensor of the blob, kernel scratch included: exact for TFLM's
  // reference kernels); otherwise the arena of tinyc's executor plan at batch 1.
  int64_t peak_ram_bytes = 0;
  std::optional<int64_t> blob_bytes;  // the .tflite FlatBuffer, when one was written
  // With a .tflite: the most bytes alive at one step of the blob (no plan can need less).
  std::optional<int64_t> ram_lower_bound_bytes;
  // With a .tflite: TFLite Micro's whole arena on a 32-bit MCU, peak_ram_bytes plus the persistent
  // part (estimated, formats/tflite/tflm_persistent.h).
  std::optional<int64_t> ram_bytes;
};

// Precondition: shapes inferred and every op supported by the executor (its planner sizes the RAM).
ModelFacts model_facts(const ir::Graph& g, std::string path, std::optional<int64_t> file_bytes);

// One weighted layer's width and why it got it.
struct WeightLayerFacts {
  std::string layer;
  std::string op;
  int bits = 8;
  std::optional<double> error_at_4;  // relative output error on the calibration rows, when measured
  std::optional<double> error_at_8;
  std::string why;
};

// How the compressed model was quantized (absent for a float result).
struct QuantizationFacts {
  std::string calibration_method;     // what the user asked for: auto, minmax, ..., or data_free
  int64_t calibration_rows = 0;       // 0 with data-free ranges
  double calibration_seconds = 0;     // calibration, or the data-free estimate
  std::map<std::string, int64_t> ranges_by_method;  // how many activation ranges each method chose
  std::string weight_bits = "8";      // what was asked: 8, 4 or auto
  std::string rounding = "nearest";   // nearest or optimal
  std::string width_criterion;        // auto: what the chosen widths measured on the calibration rows
  std::vector<WeightLayerFacts> weight_layers;  // in graph order
};

// The calibration rows --calib-select chose from the --calib pool.
struct CalibrationSelection {
  std::string pool;  // the --calib file or folder
  calib::RowSelection selection;
};

// One pruned layer (a channel group tied by residual Adds counts once).
struct PrunedLayer {
  std::string name;
  int64_t units_before = 0;  // channels or neurons (structured), weights (unstructured)
  int64_t units_after = 0;
  double sensitivity_snr_db = 0;  // output SNR measured with this layer alone pruned this far
};

// A least-squares refit after pruning: the layer's relative output error on held-out calibration
// rows, against the unpruned layer, before and after.
struct PruneRefit {
  std::string name;
  double error_before = 0;
  double error_after = 0;
  bool applied = false;  // false when no refit lowered the held-out error
};

// What pruning did, and the float model right after it (before quantization).
struct PruningFacts {
  std::string granularity;  // structured or unstructured
  double requested_ratio = 0;
  double achieved_ratio = 0;  // share of the prunable (Conv/Gemm) weights removed
  int64_t prunable_before = 0;
  int64_t prunable_after = 0;
  std::vector<PrunedLayer> layers;
  std::vector<PruneRefit> refits;
  ModelFacts pruned_float;
  std::optional<Metrics> pruned_float_metrics;  // pruned float vs original, with --eval and --int8
  int64_t synthesized_rows = 0;    // without --calib: the rows synthesized from the model, pruned on; else 0
  double synthesis_seconds = 0;
};

// The evaluation with the files it read.
struct EvaluationSection {
  std::string data_path;
  std::string labels_path;  // empty without labels
  Evaluation evaluation;
};

struct AccuracyReport {
  ModelFacts original;
  ModelFacts compressed;
  double compress_seconds = 0;  // the pass pipeline
  std::optional<CalibrationSelection> calibration_selection;
  std::optional<PruningFacts> pruning;
  std::optional<QuantizationFacts> quantization;
  std::string pipeline;             // the pipeline that ran, every option's value included (--passes text)
  std::vector<std::string> passes;  // one line per pipeline step (passes::describe)
  std::optional<EvaluationSection> evaluation;
  std::vector<std::string> warnings;  // caveats the reader must know, one sentence each
  std::vector<GateResult> gates;
  std::optional<TargetFit> target;  // --target / --target-file: the board's budgets and the model's use

  bool gates_passed() const;
};

}  // namespace tinyc::report
