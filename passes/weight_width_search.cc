// choose_weight_widths: rank the layers, then take them to 4 bits one by one, each judged by a
// whole-model int8 run (or by the file's size and RAM under a budget).
#include "passes/weight_width_search.h"

#include <algorithm>
#include <cmath>

#include "exec/input_data.h"
#include "passes/prune/output_error.h"

namespace tinyc::passes {

namespace {

constexpr double kMinAgreement = 0.99;
constexpr double kMaxSnrLossDb = 3.0;
constexpr double kMinReconstructionMarginDb = 10.0;

// What the model's output is judged by.
enum class OutputKind {
  Classifier,      // top-1 agreement
  Reconstruction,  // an output the size of the input (autoencoder): its own error against the input
  Other,           // output SNR against the all-8-bit model's
};

// A classifier has one output row [1, C], 2 <= C <= 1000, not the input's size; a reconstruction
// one output the size of its one input.
OutputKind output_kind(const ir::Graph& g) {
  if (g.inputs().size() != 1 || g.outputs().size() != 1) return OutputKind::Other;
  const auto& out = g.outputs()[0]->shape;
  const auto& in = g.inputs()[0]->shape;
  if (!out || !in) return OutputKind::Other;
  if (ir::num_elements(*out) == ir::num_elements(*in)) return OutputKind::Reconstruction;
  const bool row = out->size() == 2 && (*out)[0] == 1 && (*out)[1] >= 2 && (*out)[1] <= 1000;
  return row ? OutputKind::Classifier : OutputKind::Other;
}

// The whole model's first output on the calibration rows against the float model's.
class ModelJudge {
 public:
  ModelJudge(const ir::Graph& float_graph, const std::vector<ir::Tensor>& rows, const exec::ExecutorOptions& executor)
      : executor_(executor),
        kind_(output_kind(float_graph)),
        rows_(exec::as_graph_input_rows(float_graph, rows, "calibration data")),
        reference_(run(float_graph)) {}

  OutputKind kind() const { return kind_; }

  // Top-1 agreement in [0, 1] (classifier); the float model's reconstruction error over the
  // quantization error, in dB (reconstruction); output SNR in dB (other).
  double measure(const ir::Graph& g) const {
    const ir::Tensor out = run(g);
    switch (kind_) {
      case OutputKind::Classifier: return compare_outputs({reference_}, {out}).agreement;
      case OutputKind::Reconstruction: return reconstruction_margin_db(out);
      case OutputKind::Other: break;
    }
    return compare_outputs({reference_}, {out}).snr_db;
  }

 private:
  ir::Tensor run(const ir::Graph& g) const { return exec::Executor(g, executor_).run(rows_).front(); }

  double reconstruction_margin_db(const ir::Tensor& out) const {
    const auto input = rows_.front().values<float>(), reference = reference_.values<float>(), q = out.values<float>();
    double residual = 0, noise = 0;
    for (size_t i = 0; i < q.size(); ++i) {
      residual += (static_cast<double>(reference[i]) - input[i]) * (static_cast<double>(reference[i]) - input[i]);
      noise += (static_cast<double>(reference[i]) - q[i]) * (static_cast<double>(reference[i]) - q[i]);
    }
    return noise > 0 ? 10 * std::log10(residual / noise) : INFINITY;
  }

  exec::ExecutorOptions executor_;
  OutputKind kind_;
  std::vector<ir::Tensor> rows_;
  ir::Tensor reference_;
};

// A layer that may go to 4 bits, with its rank key: added output error per byte saved.
struct Candidate {
  std::string layer;
  double cost = 0;
};

std::string describe(OutputKind kind, double value) {
  char text[128];
  if (kind == OutputKind::Classifier)
    std::snprintf(text, sizeof text, "top-1 agreement %.2f %% with the float model", 100 * value);
  else if (kind == OutputKind::Reconstruction)
    std::snprintf(text, sizeof text, "quantization error %.1f dB below the float model's reconstruction error", value);
  else
    std::snprintf(text, sizeof text, "output SNR %.1f dB", value);
  return text;
}

std::string bar_text(OutputKind kind) {
  switch (kind) {
    case OutputKind::Classifier: return "top-1 agreement of at least 99 % with the float model";
    case OutputKind::Reconstruction: return "quantization error at least 10 dB below the float model's reconstruction error";
    case OutputKind::Other: break;
  }
  return "output SNR within 3 dB of the all-8-bit model's";
}

std::string rank_text(size_t i, size_t count) {
  return "rank " + std::to_string(i + 1) + " of " + std::to_string(count) + " by added output error per byte saved";
}

// Whether the quantized graph `q` keeps the arena within the RAM limit; sets `ram` to the arena when
// measured.
bool ram_allows(const std::optional<DeviceBudget>& budget, const ir::Graph& q, int64_t& ram) {
  if (!budget || !budget->max_ram_bytes) return true;
  ram = budget->cost(q).ram_bytes;
  return ram <= *budget->max_ram_bytes;
}

// Each layer's reason and, for those in `chosen`, 4 bits.
void apply_verdicts(const std::map<std::string, std::string>& verdicts, const std::map<std::string, int>& chosen,
                    WeightWidths& report) {
  for (LayerWidth& w : report.layers) {
    if (const auto it = verdicts.find(w.layer); it != verdicts.end()) w.why = it->second;
    if (chosen.count(w.layer)) w.bits = 4;
  }
}

std::string over_ram(int64_t ram, int64_t limit) {
  return "; 4 bits would need an arena of " + std::to_string(ram) + " B (its filter is unpacked there), over --max-ram " +
         std::to_string(limit) + " B";
}

// The shortest prefix of `candidates` at 4 bits whose file fits the size limit, skipping layers the
// RAM limit forbids.
std::map<std::string, int> fit_size(const std::vector<Candidate>& candidates, const ModelJudge& judge,
                                    const QuantizeWithWidths& quantize, const DeviceBudget& budget,
                                    WeightWidths& report) {
  std::map<std::string, int> chosen;
  std::map<std::string, std::string> verdicts;
  int64_t bytes = budget.cost(*quantize(chosen)).bytes;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string rank = rank_text(i, candidates.size());
    if (bytes <= *budget.max_bytes) {
      verdicts[candidates[i].layer] = rank + "; the file fits without it at 4 bits";
      continue;
    }
    std::map<std::string, int> trial = chosen;
    trial[candidates[i].layer] = 4;
    const FileCost cost = budget.cost(*quantize(trial));
    if (budget.max_ram_bytes && cost.ram_bytes > *budget.max_ram_bytes) {
      verdicts[candidates[i].layer] = rank + over_ram(cost.ram_bytes, *budget.max_ram_bytes);
      continue;
    }
    chosen = std::move(trial);
    bytes = cost.bytes;
    verdicts[candidates[i].layer] = rank + "; needed at 4 bits to fit the size limit";
  }
  ++report.int8_runs;
  const double value = judge.measure(*quantize(chosen));
  report.criterion = describe(judge.kind(), value) + " on the calibration rows, with a file of " +
                     std::to_string(bytes) + " B " + (bytes <= *budget.max_bytes ? "within" : "over") +
                     " the --max-size limit of " + std::to_string(*budget.max_bytes) + " B";
  apply_verdicts(verdicts, chosen, report);
  return chosen;
}

}  // namespace

std::map<std::string, int> choose_weight_widths(const ir::Graph& float_graph, const WeightTable& table,
                                                const std::vector<ir::Tensor>& rows,
                                                const exec::ExecutorOptions& executor,
                                                const QuantizeWithWidths& quantize,
                                                const std::optional<DeviceBudget>& budget, WeightWidths& report,
                                                const std::function<void(int64_t, int64_t)>& progress) {
  std::vector<Candidate> candidates;
  for (const ir::Node* n : float_graph.topological_order()) {
    const auto it = table.find(n->name);
    if (it == table.end()) continue;
    const auto four = it->second.find(4), eight = it->second.find(8);
    LayerWidth& w = report.layers.emplace_back(LayerWidth{n->name, n->op_type, 8, {}, {}, ""});
    if (four != it->second.end()) w.error_at_4 = four->second.relative_error;
    if (eight != it->second.end()) w.error_at_8 = eight->second.relative_error;
    if (four == it->second.end())
      w.why = int4_refusal(*n);
    else if (!w.error_at_4 || !w.error_at_8)
      w.why = "its output error is not measured for this layer form";
    else {
      const int64_t count = n->input(1)->constant().num_elements();
      candidates.push_back({n->name, (*w.error_at_4 - *w.error_at_8) / static_cast<double>(count - (count + 1) / 2)});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.cost < b.cost; });

  const ModelJudge judge(float_graph, rows, executor);
  if (budget && budget->max_bytes) return fit_size(candidates, judge, quantize, *budget, report);
  std::map<std::string, int> chosen;
  const auto measure = [&](const ir::Graph& q) {
    const double value = judge.measure(q);
    ++report.int8_runs;
    if (progress) progress(report.int8_runs, static_cast<int64_t>(candidates.size()) + 1);
    return value;
  };
  double value = measure(*quantize(chosen));
  const double bar = judge.kind() == OutputKind::Classifier       ? kMinAgreement
                     : judge.kind() == OutputKind::Reconstruction ? kMinReconstructionMarginDb
                                                                  : value - kMaxSnrLossDb;
  std::map<std::string, std::string> verdicts;
  for (size_t i = 0; i < candidates.size(); ++i) {
    std::map<std::string, int> trial = chosen;
    trial[candidates[i].layer] = 4;
    const std::unique_ptr<ir::Graph> q = quantize(trial);
    int64_t ram = 0;
    if (!ram_allows(budget, *q, ram)) {
      verdicts[candidates[i].layer] = rank_text(i, candidates.size()) + over_ram(ram, *budget->max_ram_bytes);
      continue;
    }
    const double measured = measure(*q);
    const std::string place =
        rank_text(i, candidates.size()) + "; with it at 4 bits, " + describe(judge.kind(), measured);
    if (measured >= bar) {
      chosen = std::move(trial);
      value = measured;
      verdicts[candidates[i].layer] = place;
    } else {
      verdicts[candidates[i].layer] = place + ", below the bar";
    }
  }
  report.criterion = describe(judge.kind(), value) + " on the calibration rows (bar: " + bar_text(judge.kind()) + ")";
  apply_verdicts(verdicts, chosen, report);
  return chosen;
}

}  // namespace tinyc::passes
