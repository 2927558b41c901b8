// Pruning without retraining: what `compress --prune R` and the `prune` pass run, and the per-layer
// sensitivity curves `tinyc analyze` prints. docs/pruning.md explains the method.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/graph.h"

namespace tinyc::passes {

// Structured removes whole output channels (Conv) or neurons (Gemm) and every weight that reads
// them, so the model gets smaller and faster; unstructured zeroes single weights, which shrinks
// nothing on the device unless the weights are compressed afterwards.
enum class PruneGranularity { Structured, Unstructured };

// How channels are ordered for removal inside one layer (structured only; unstructured removes
// the weights of least magnitude).
enum class ChannelRanking {
  L1,          // sum |w| of the channel's producing weights
  L2,          // sqrt(sum w^2) of the channel's producing weights
  Activation,  // sqrt(mean x^2) on calibration rows x the norm of the weights that read the channel
};

// What to prune and how hard; the CLI and the pass options fill it.
struct PruneOptions {
  double ratio = 0.5;  // fraction of prunable weights (Conv/Gemm weight elements) to remove, in (0, 1)
  // Structured only: fraction of the Conv/Gemm MACs to remove as well; negative = 0.8 x ratio,
  // 0 = no MAC target (the cheapest weights to remove are often in a Gemm, which saves few MACs).
  double mac_ratio = -1;
  PruneGranularity granularity = PruneGranularity::Structured;
  ChannelRanking ranking = ChannelRanking::Activation;
  bool reconstruct = true;          // refit the layers after removal by least squares
  int64_t calibration_rows = 512;   // rows used for scores and refits (0 = all given)
  int64_t sensitivity_rows = 128;   // rows used to measure each layer's sensitivity curve
  double max_layer_ratio = 0.9;     // no layer loses more than this fraction
  exec::ExecutorOptions executor;
};

// One point of a layer's sensitivity curve: the float model's output when only this layer is
// pruned by `ratio`, compared with the unpruned output on the sensitivity rows.
struct SensitivityPoint {
  double ratio = 0;
  double snr_db = 0;     // 10 log10(signal power / error power) of the outputs
  double agreement = 1;  // fraction of rows whose arg max output is unchanged
};

// A prunable layer: structured, a group of channel producers tied by residual Adds (one mask);
// unstructured, one Conv or Gemm weight.
struct LayerSensitivity {
  std::string name;        // the first producer's node name, "+ N tied" when several share a mask
  int64_t units = 0;       // channels (structured) or weight elements (unstructured)
  int64_t weights = 0;     // prunable weights this layer removes at ratio 1 with nothing else pruned
  std::vector<SensitivityPoint> curve;
};

// What pruning did to one layer.
struct LayerPruning {
  std::string name;
  int64_t units_before = 0;
  int64_t units_after = 0;
  double ratio = 0;  // fraction of units removed
  double sensitivity_snr_db = 0;  // measured SNR at the chosen ratio (interpolated on the curve)
};

// A refit of one Conv or Gemm: error of its output vs the float model's, on held-out calibration rows.
struct LayerRefit {
  std::string name;
  double error_before = 0;  // relative mean squared error before the refit
  double error_after = 0;
  bool applied = false;     // false when no regularisation beat the unrefitted weights
};

// Everything pruning changed, for logs and the report.
struct PruneReport {
  PruneGranularity granularity = PruneGranularity::Structured;
  double requested_ratio = 0;  // options.ratio
  int64_t prunable_before = 0;
  int64_t prunable_after = 0;  // nonzero weight elements (unstructured) or elements (structured)
  int64_t macs_before = 0;     // Conv/Gemm MACs per inference
  int64_t macs_after = 0;      // unchanged by unstructured pruning
  std::vector<LayerPruning> layers;
  std::vector<LayerRefit> refits;
  std::vector<std::string> declined;  // "conv9: its output is a graph output"
  std::vector<std::string> notes;     // plain statements for the report (unstructured: no size gain)

  double achieved_ratio() const {
    return prunable_before == 0 ? 0.0 : 1.0 - static_cast<double>(prunable_after) / static_cast<double>(prunable_before);
  }
};

// Prunes `g` (float, shapes inferred, ideally after the default folding pipeline so BatchNorm is
// already inside the Conv) by options.ratio, choosing per-layer ratios from sensitivity measured on
// `calibration_inputs` (calibration_inputs[i] feeds graph input i, rows along dim 0), then refits
// the layers that read pruned channels. Leaves g verified with shapes re-inferred. Throws
// InputError for a ratio outside (0, 1), missing or mismatched calibration data.
PruneReport prune_graph(ir::Graph& g, const PruneOptions& options, const std::vector<ir::Tensor>& calibration_inputs);

// What pruning measures before it chooses per-layer ratios: each unit's ranking and sensitivity
// curve on the calibration rows. Neither depends on the ratio (nor on mac_ratio), so one analysis
// serves every ratio of the same graph, and pruning with it gives exactly what prune_graph gives.
class PruneAnalysis;

// The analysis prune_graph(g, options, calibration_inputs) makes first (options.ratio unused).
std::shared_ptr<const PruneAnalysis> analyze_for_pruning(const ir::Graph& g, const PruneOptions& options,
                                                         const std::vector<ir::Tensor>& calibration_inputs);

// prune_graph with the analysis already made, by analyze_for_pruning, of g or of a graph equal to it
// with the same options other than ratio and mac_ratio.
PruneReport prune_with_analysis(ir::Graph& g, const PruneOptions& options, const PruneAnalysis& analysis);

// The options an analysis depends on, as text: analyses with equal keys on equal graphs are equal.
std::string analysis_key(const PruneOptions& options);

// Per-layer sensitivity curves at `ratios` (each layer pruned alone, no refit), as `tinyc analyze`
// prints them. Same preconditions as prune_graph; g is not changed.
std::vector<LayerSensitivity> analyze_sensitivity(const ir::Graph& g, const PruneOptions& options,
                                                  const std::vector<double>& ratios,
                                                  const std::vector<ir::Tensor>& calibration_inputs);

// "structured" / "unstructured"; parse_* throw InputError naming `what` and the accepted words.
std::string granularity_name(PruneGranularity g);
PruneGranularity parse_granularity(const std::string& text, const std::string& what);
ChannelRanking parse_ranking(const std::string& text, const std::string& what);

}  // namespace tinyc::passes
