// prune: removes a fraction of the model's Conv/Gemm weights without retraining.
//
// Structured (default): whole output channels of Conv (group 1) and neurons of Gemm go, with every
// weight that reads them (next Conv's input channels, a depthwise chain's channels, BatchNorm
// parameters, Flatten -> Gemm rows); residual Adds tie their operands' channels to one mask.
// Unstructured: single weights are zeroed; shapes stay.
// Steps: (1) rank the elements of each unit (channel group or weight tensor); (2) measure each
// unit's sensitivity curve on calibration rows (output error with only that unit pruned at
// 10 % .. 90 %); (3) allocate per-unit ratios greedily so that `ratio` of the prunable weights (and,
// structured, `mac_ratio` of their MACs) go with the least summed error; (4) prune; (5) refit, in
// order, every layer whose inputs lost channels (or whose weights were zeroed) and every layer after
// them, by least squares against the unpruned layer's outputs.
// Preconditions: float32 graph with inferred shapes, calibration rows in the context; run it after
// the default folding pipeline (BatchNorm folded into the Conv) and before quantize_int8.
#include "passes/prune/prune.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <unordered_set>

#include "exec/capture.h"
#include "exec/input_data.h"
#include "exec/staged_capture.h"
#include "ir/fingerprint.h"
#include "ir/same_values.h"
#include "ir/verify.h"
#include "passes/pass_context.h"
#include "passes/prune/channels.h"
#include "passes/prune/method.h"
#include "passes/prune/output_error.h"
#include "passes/prune/reconstruct.h"
#include "passes/prune/sensitivity.h"
#include "passes/registry.h"

namespace tinyc::passes {

namespace {

// Without mac_ratio, structured pruning removes at least this share of `ratio` of the MACs: enough
// to make the model faster, loose enough to let the allocation keep the sensitive wide layers.
constexpr double kDefaultMacShare = 0.8;
constexpr double kCurveRatios[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

std::vector<ir::Tensor> calibration_rows(const ir::Graph& g, const std::vector<ir::Tensor>& calibration,
                                         int64_t rows) {
  if (calibration.empty()) throw InputError("pruning needs calibration data (--calib <.npy or folder>)");
  return first_rows(exec::as_graph_input_rows(g, calibration, "calibration data"), rows);
}

std::unique_ptr<PruneMethod> make_method(const ir::Graph& g, const PruneOptions& options,
                                         const std::vector<ir::Tensor>& rows) {
  return options.granularity == PruneGranularity::Structured ? make_structured_method(g, options, rows)
                                                             : make_unstructured_method(g, options, rows);
}

// Removal counts at each ratio, capped at `max_ratio` of the unit and one element short of all.
std::vector<int64_t> counts_at(int64_t size, const std::vector<double>& ratios, double max_ratio) {
  const auto cap = std::min(size - 1, static_cast<int64_t>(std::floor(max_ratio * static_cast<double>(size))));
  std::vector<int64_t> counts;
  for (double r : ratios) counts.push_back(std::min(cap, static_cast<int64_t>(std::llround(r * static_cast<double>(size)))));
  return counts;
}

// The layers a refit can help, producers first: those pruning changed, and every Conv/Gemm after
// the first of them whose input is computed (it drifted with the layers before it).
std::vector<std::string> layers_to_refit(const ir::Graph& g, const std::vector<std::string>& changed) {
  std::vector<std::string> layers;
  for (const ir::Node* n : g.topological_order()) {
    const bool was_changed = std::find(changed.begin(), changed.end(), n->name) != changed.end();
    const bool drifted = !layers.empty() && is_prunable_layer(*n) && !n->input(0)->is_graph_input();
    if (was_changed || drifted) layers.push_back(n->name);
  }
  return layers;
}

// Values of the unpruned graph on the refit rows, by name; shared by the sensitivity points.
using Captured = std::map<std::string, std::shared_ptr<const ir::Tensor>>;

// The inputs of `layers` in `original` on `rows`.
Captured layer_inputs(const ir::Graph& original, const std::vector<std::string>& layers,
                      const std::vector<ir::Tensor>& rows, const exec::ExecutorOptions& options) {
  if (layers.empty()) return {};
  std::vector<std::string> names;
  for (const std::string& name : layers) names.push_back(original.find_node(name)->input(0)->name);
  std::vector<ir::Tensor> values = exec::capture_values(original, rows, names, options);
  Captured inputs;
  for (size_t i = 0; i < names.size(); ++i)
    if (!inputs.count(names[i])) inputs.emplace(names[i], std::make_shared<const ir::Tensor>(std::move(values[i])));
  return inputs;
}

// Refits `layers` of g in order, each on its input in g as refitted so far (`pruned`, a capture of g
// over the rows of `original_inputs`) against the unpruned layer's outputs.
void refit_layers(ir::Graph& g, const ir::Graph& original, const PruneMethod& method,
                  const std::vector<std::string>& layers, const std::vector<int64_t>& counts,
                  const Captured& original_inputs, exec::StagedCapture& pruned, PruneReport& report) {
  for (const std::string& layer : layers) {
    RefitData data;
    data.original = original.find_node(layer);
    const std::string& input = data.original->input(0)->name;
    const auto captured = original_inputs.find(input);
    if (captured == original_inputs.end()) throw InternalError("prune: the input of '" + layer + "' was not captured");
    data.original_input = captured->second.get();
    data.pruned_input = &pruned.value(input);
    data.kept_outputs = method.kept_outputs(original, layer, counts);
    data.masked = method.masked();
    report.refits.push_back(refit_layer(g, layer, data));
  }
}

// The values of `original` that `pruned` computes alike: where a run of the pruned graph can start.
Captured unchanged_values(const ir::Graph& original, const ir::Graph& pruned, const Captured& values) {
  const std::unordered_set<std::string> same = ir::same_values(original, pruned);
  Captured unchanged;
  for (const auto& [name, value] : values)
    if (same.count(name)) unchanged.emplace(name, value);
  return unchanged;
}

// Each unit's curve. With `refit` the layers reading the pruned unit are refitted before the
// outputs are compared, so the curve shows what pruning with reconstruction costs. The points run
// in parallel, each on one thread, and each runs only the part of the graph that pruning changed:
// it starts from the unpruned graph's layer inputs upstream of the change.
std::vector<SensitivityCurve> curves_for(const ir::Graph& g, const PruneMethod& method, const PruneOptions& options,
                                         const std::vector<double>& ratios, double max_ratio, bool refit,
                                         const std::vector<ir::Tensor>& rows) {
  std::vector<std::vector<int64_t>> counts;
  std::vector<int64_t> sizes;
  for (size_t u = 0; u < method.unit_count(); ++u) {
    sizes.push_back(method.unit_size(u));
    counts.push_back(counts_at(sizes.back(), ratios, max_ratio));
  }
  const std::vector<ir::Tensor> measured = first_rows(rows, options.sensitivity_rows);
  std::vector<std::string> layers;
  for (const ir::Node* n : g.topological_order())
    if (is_prunable_layer(*n)) layers.push_back(n->name);
  const Captured original_inputs = layer_inputs(g, layers, measured, options.executor);
  exec::ExecutorOptions one_thread = options.executor;
  one_thread.threads = 1;
  const PrunedOutputs pruned_outputs = [&](size_t u, int64_t k) {
    std::vector<int64_t> only(method.unit_count(), 0);
    only[u] = k;
    const std::unique_ptr<ir::Graph> pruned = g.clone();
    const std::vector<std::string> changed = method.apply(*pruned, only);
    exec::StagedCapture capture(*pruned, measured, one_thread);
    capture.know(unchanged_values(g, *pruned, original_inputs));
    PruneReport scratch;
    if (refit) refit_layers(*pruned, g, method, changed, only, original_inputs, capture, scratch);
    return capture.outputs();
  };
  const std::vector<ir::Tensor> reference = exec::Executor(g, options.executor).run(measured);
  return measure_sensitivity(reference, counts, sizes, pruned_outputs, options.executor.threads);
}

void check_options(const PruneOptions& o) {
  if (!(o.ratio > 0 && o.ratio < 1))
    throw InputError("prune ratio must be between 0 and 1 (exclusive), got " + std::to_string(o.ratio));
  if (o.mac_ratio >= 1)
    throw InputError("prune mac_ratio must be below 1, got " + std::to_string(o.mac_ratio));
  if (!(o.max_layer_ratio > 0 && o.max_layer_ratio < 1))
    throw InputError("prune max_layer_ratio must be between 0 and 1 (exclusive), got " +
                     std::to_string(o.max_layer_ratio));
}

}  // namespace

class PruneAnalysis {
 public:
  std::vector<ir::Tensor> rows;  // the calibration rows scores, curves and refits use
  std::unique_ptr<PruneMethod> method;
  std::vector<SensitivityCurve> curves;
  PruneGranularity granularity = PruneGranularity::Structured;
};

std::shared_ptr<const PruneAnalysis> analyze_for_pruning(const ir::Graph& g, const PruneOptions& options,
                                                         const std::vector<ir::Tensor>& calibration_inputs) {
  auto analysis = std::make_shared<PruneAnalysis>();
  analysis->rows = calibration_rows(g, calibration_inputs, options.calibration_rows);
  analysis->method = make_method(g, options, analysis->rows);
  analysis->granularity = options.granularity;
  const std::vector<double> ratios(std::begin(kCurveRatios), std::end(kCurveRatios));
  const bool refit_curves = options.reconstruct && options.granularity == PruneGranularity::Structured;
  analysis->curves =
      curves_for(g, *analysis->method, options, ratios, options.max_layer_ratio, refit_curves, analysis->rows);
  return analysis;
}

std::string analysis_key(const PruneOptions& o) {
  std::ostringstream key;
  key << std::hexfloat << "granularity=" << granularity_name(o.granularity) << ",ranking=" << static_cast<int>(o.ranking)
      << ",reconstruct=" << o.reconstruct << ",rows=" << o.calibration_rows << ",sensitivity_rows=" << o.sensitivity_rows
      << ",max_layer_ratio=" << o.max_layer_ratio;
  return key.str();
}

PruneReport prune_graph(ir::Graph& g, const PruneOptions& options, const std::vector<ir::Tensor>& calibration_inputs) {
  check_options(options);
  return prune_with_analysis(g, options, *analyze_for_pruning(g, options, calibration_inputs));
}

PruneReport prune_with_analysis(ir::Graph& g, const PruneOptions& options, const PruneAnalysis& analysis) {
  check_options(options);
  if (analysis.granularity != options.granularity)
    throw InternalError("prune_with_analysis: the analysis was made for another granularity");
  const PruneMethod* method = analysis.method.get();
  const std::vector<SensitivityCurve>& curves = analysis.curves;
  const std::vector<ir::Tensor>& rows = analysis.rows;
  PruneReport report;
  report.granularity = options.granularity;
  report.requested_ratio = options.ratio;
  report.declined = method->declined();
  if (options.granularity == PruneGranularity::Unstructured)
    report.notes.push_back(
        "unstructured pruning zeroes weights but keeps every tensor's shape: the TFLite blob, the C array and the "
        "MACs do not shrink from it (only a compressor that exploits zeros gains)");

  const Resources total = method->prunable();
  const double mac_ratio = options.granularity == PruneGranularity::Unstructured ? 0.0
                           : options.mac_ratio < 0                               ? kDefaultMacShare * options.ratio
                                                                                 : options.mac_ratio;
  const Resources target = {static_cast<int64_t>(std::ceil(options.ratio * static_cast<double>(total.weights))),
                            static_cast<int64_t>(std::ceil(mac_ratio * static_cast<double>(total.macs)))};
  const std::vector<int64_t> counts = allocate_counts(
      curves, target, total, [&](const std::vector<int64_t>& c) { return method->removed(c); });
  const Resources removed = method->removed(counts);
  report.prunable_before = total.weights;
  report.prunable_after = total.weights - removed.weights;
  report.macs_before = total.macs;
  report.macs_after = total.macs - removed.macs;
  for (size_t u = 0; u < method->unit_count(); ++u) {
    LayerPruning layer;
    layer.name = method->unit_name(u);
    layer.units_before = method->unit_size(u);
    layer.units_after = layer.units_before - counts[u];
    layer.ratio = static_cast<double>(counts[u]) / static_cast<double>(layer.units_before);
    const double error = curves[u].error_at(counts[u]);
    layer.sensitivity_snr_db = error > 0 ? std::min(200.0, -10 * std::log10(error)) : 200.0;
    report.layers.push_back(layer);
  }

  const std::unique_ptr<ir::Graph> original = g.clone();
  const std::vector<std::string> changed = method->apply(g, counts);
  if (options.reconstruct) {
    const std::vector<std::string> layers = layers_to_refit(g, changed);
    exec::StagedCapture pruned(g, rows, options.executor);
    refit_layers(g, *original, *method, layers, counts, layer_inputs(*original, layers, rows, options.executor), pruned,
                 report);
  }
  ir::verify_or_throw(g, "after prune");
  return report;
}

std::vector<LayerSensitivity> analyze_sensitivity(const ir::Graph& g, const PruneOptions& options,
                                                  const std::vector<double>& ratios,
                                                  const std::vector<ir::Tensor>& calibration_inputs) {
  const std::vector<ir::Tensor> rows = calibration_rows(g, calibration_inputs, options.calibration_rows);
  const std::unique_ptr<PruneMethod> method = make_method(g, options, rows);
  const std::vector<SensitivityCurve> curves = curves_for(g, *method, options, ratios, 1.0, false, rows);
  std::vector<LayerSensitivity> layers;
  for (size_t u = 0; u < method->unit_count(); ++u) {
    LayerSensitivity layer;
    layer.name = method->unit_name(u);
    layer.units = method->unit_size(u);
    std::vector<int64_t> all(method->unit_count(), 0);
    all[u] = layer.units;
    layer.weights = method->removed(all).weights;
    const std::vector<int64_t> counts = counts_at(layer.units, ratios, 1.0);
    for (size_t i = 0; i < ratios.size(); ++i) {
      const SensitivityCurve& c = curves[u];
      const size_t at = static_cast<size_t>(std::find(c.counts.begin(), c.counts.end(), counts[i]) - c.counts.begin());
      layer.curve.push_back({ratios[i], c.errors[at].snr_db, c.errors[at].agreement});
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

std::string granularity_name(PruneGranularity g) {
  return g == PruneGranularity::Structured ? "structured" : "unstructured";
}

PruneGranularity parse_granularity(const std::string& text, const std::string& what) {
  if (text == "structured") return PruneGranularity::Structured;
  if (text == "unstructured") return PruneGranularity::Unstructured;
  throw InputError(what + ": '" + text + "' is not a pruning granularity; use structured or unstructured");
}

ChannelRanking parse_ranking(const std::string& text, const std::string& what) {
  if (text == "l1") return ChannelRanking::L1;
  if (text == "l2") return ChannelRanking::L2;
  if (text == "activation") return ChannelRanking::Activation;
  throw InputError(what + ": '" + text + "' is not a channel ranking; use activation, l1 or l2");
}

namespace {

class Prune : public Pass {
 public:
  explicit Prune(const PassOptions& o) {
    options_.ratio = o.get_double("ratio", options_.ratio);
    options_.mac_ratio = o.get_double("mac_ratio", options_.mac_ratio);
    options_.granularity = parse_granularity(o.get_string("granularity", "structured"), "prune(granularity=...)");
    options_.ranking = parse_ranking(o.get_string("ranking", "activation"), "prune(ranking=...)");
    options_.reconstruct = o.get_bool("reconstruct", options_.reconstruct);
    options_.calibration_rows = o.get_int("rows", options_.calibration_rows);
    options_.sensitivity_rows = o.get_int("sensitivity_rows", options_.sensitivity_rows);
    options_.max_layer_ratio = o.get_double("max_layer_ratio", options_.max_layer_ratio);
    check_options(options_);
  }

  PassResult run(ir::Graph& g) override {
    PassContext none;
    return run_with_context(g, none);
  }

  PassResult run_with_context(ir::Graph& g, PassContext& context) override {
    PruneOptions options = options_;
    options.executor = context.executor;
    const int64_t bytes_before = constant_bytes(g);
    PruneReport report = prune_with_analysis(g, options, *analysis_for(g, options, context));
    PassResult result;
    for (const LayerPruning& layer : report.layers)
      if (layer.units_after < layer.units_before) result.record_rewrite();
    for (const std::string& why : report.declined) result.declined.push_back(why);
    result.bytes_saved = bytes_before - constant_bytes(g);
    context.pruning = std::move(report);
    return result;
  }

 private:
  // The context's cached analysis of an identical graph, else a new one (then cached).
  static std::shared_ptr<const PruneAnalysis> analysis_for(const ir::Graph& g, const PruneOptions& options,
                                                           PassContext& context) {
    if (!context.measurements) return analyze_for_pruning(g, options, context.calibration_inputs);
    const std::string key = "prune:" + std::to_string(ir::fingerprint(g)) + ":" + analysis_key(options);
    if (auto cached = context.measurements->find<PruneAnalysis>(key)) return cached;
    auto analysis = analyze_for_pruning(g, options, context.calibration_inputs);
    context.measurements->store(key, analysis);
    return analysis;
  }

  static int64_t constant_bytes(const ir::Graph& g) {
    int64_t bytes = 0;
    for (const ir::Value* v : g.constants()) bytes += static_cast<int64_t>(v->stored_bytes());
    return bytes;
  }

  PruneOptions options_;
};

}  // namespace

PassInfo prune_pass_info() {
  return {"prune",
          "Remove a fraction of the Conv/Gemm weights (whole channels, or single weights) chosen by measured "
          "sensitivity, then refit the next layers by least squares",
          {{"ratio", "0.5", "fraction of prunable weights to remove, in (0, 1)"},
           {"mac_ratio", "-1", "structured: fraction of MACs to remove too (negative: 0.8 x ratio, 0: none)"},
           {"granularity", "structured", "structured (whole channels) or unstructured (single weights, no size gain)"},
           {"ranking", "activation", "channel order: activation (calibration energy), l1 or l2 weight norms"},
           {"reconstruct", "true", "refit the layers after removal by least squares on calibration rows"},
           {"rows", "512", "calibration rows used (0 = all)"},
           {"sensitivity_rows", "128", "calibration rows used for each sensitivity measurement"},
           {"max_layer_ratio", "0.9", "no layer loses more than this fraction"}},
          false,
          [](const PassOptions& o) -> std::unique_ptr<Pass> { return std::make_unique<Prune>(o); }};
}

}  // namespace tinyc::passes
