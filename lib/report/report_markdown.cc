// Markdown rendering of AccuracyReport, one function per section.
#include "report/report_markdown.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "report/text_format.h"

namespace tinyc::report {

namespace {

constexpr size_t kSkippedShown = 10;

std::string code(const std::string& s) { return "`" + s + "`"; }

// The nodes a layer row covers: the producer, after any uncompared nodes before it.
std::string span(const LayerError& l) {
  std::string out;
  const size_t shown = std::min<size_t>(l.uncompared_nodes.size(), 2);
  for (size_t i = 0; i < shown; ++i) out += code(l.uncompared_nodes[i]) + " → ";
  if (l.uncompared_nodes.size() > shown) out += "… → ";
  return out + code(l.node);
}

std::string bytes(const std::optional<int64_t>& b) { return b ? grouped(*b) + " B" : "unknown"; }

// "-12.5 %" relative change from `before` to `after`; "" when it cannot be computed.
std::string change(const std::optional<int64_t>& before, const std::optional<int64_t>& after) {
  if (!before || !after || *before == 0) return "";
  return signed_fixed(100.0 * static_cast<double>(*after - *before) / static_cast<double>(*before), 1) + " %";
}

void headline(std::ostringstream& os, const AccuracyReport& r) {
  os << "# tinyc accuracy report\n\n"
     << code(r.original.path) << " → " << code(r.compressed.path);
  if (r.evaluation)
    os << ", evaluated on " << grouped(r.evaluation->evaluation.metrics.rows) << " rows of "
       << code(r.evaluation->data_path)
       << (r.evaluation->labels_path.empty() ? " (no labels)" : " with labels " + code(r.evaluation->labels_path));
  os << ".\n\n";
  if (!r.gates.empty()) os << "**Gates: " << (r.gates_passed() ? "passed" : "FAILED") << "**\n\n";
}

void accuracy(std::ostringstream& os, const Metrics& m) {
  const auto& c = m.classification;
  const bool top1 = c && c->top1_float_pct;
  if (!top1 && !m.anomaly) return;
  os << "## Accuracy\n\n| measure | float | compressed | change |\n|---|---:|---:|---:|\n";
  if (top1)
    os << "| top-1 accuracy | " << fixed(*c->top1_float_pct, 2) << " % | " << fixed(*c->top1_compressed_pct, 2)
       << " % | " << signed_fixed(*c->top1_delta_points(), 2) << " points |\n";
  if (m.anomaly)
    os << "| anomaly AUC (" << grouped(m.anomaly->anomaly_rows) << " anomalous, " << grouped(m.anomaly->normal_rows)
       << " normal rows) | " << fixed(m.anomaly->auc_float, 4) << " | " << fixed(m.anomaly->auc_compressed, 4)
       << " | " << signed_fixed(100.0 * (m.anomaly->auc_compressed - m.anomaly->auc_float), 2) << " points |\n";
  os << "\n";
}

void output_error(std::ostringstream& os, const Metrics& m) {
  os << "## Output agreement and error\n\n| measure | value |\n|---|---:|\n";
  if (m.classification)
    os << "| top-1 agreement | " << fixed(m.classification->agreement_pct, 2) << " % ("
       << grouped(m.classification->disagreements) << " of " << grouped(m.rows) << " rows differ) |\n";
  for (const OutputError& o : m.outputs) {
    const std::string name = m.outputs.size() > 1 ? " of " + code(o.name) : "";
    os << "| SNR" << name << " | " << fixed(o.snr_db, 1) << " dB |\n"
       << "| cosine similarity" << name << " | " << fixed(o.cosine, 6) << " |\n"
       << "| RMSE" << name << " | " << significant(o.rmse, 3) << " |\n"
       << "| MAE" << name << " | " << significant(o.mae, 3) << " |\n"
       << "| max abs error" << name << " | " << significant(o.max_abs_error, 3) << " |\n";
  }
  os << "\n";
}

void gates(std::ostringstream& os, const std::vector<GateResult>& results) {
  if (results.empty()) return;
  os << "## Gates\n\n| gate | limit | measured | result |\n|---|---:|---:|---|\n";
  for (const GateResult& g : results) {
    const bool bytes_unit = g.unit == "bytes";
    const auto value = [&](double v) {
      return bytes_unit ? grouped(static_cast<int64_t>(v)) + " B" : fixed(v, 2) + " " + g.unit;
    };
    os << "| " << code(g.gate) << " | " << value(g.limit) << " | " << value(g.measured) << " | "
       << (g.passed ? "passed" : "**FAILED**") << " |\n";
  }
  os << "\n";
}

void sizes(std::ostringstream& os, const AccuracyReport& r) {
  const ModelFacts &a = r.original, &b = r.compressed;
  os << "## Size and compute\n\n| | original | compressed | change |\n|---|---:|---:|---:|\n"
     << "| model file | " << bytes(a.file_bytes) << " | " << bytes(b.file_bytes) << " | "
     << change(a.file_bytes, b.file_bytes) << " |\n"
     << "| weights as stored | " << bytes(a.weight_bytes) << " | " << bytes(b.weight_bytes) << " | "
     << change(a.weight_bytes, b.weight_bytes) << " |\n"
     << "| parameters | " << grouped(a.params) << " | " << grouped(b.params) << " | " << change(a.params, b.params)
     << " |\n"
     << "| MACs per inference | " << grouped(a.macs) << " | " << grouped(b.macs) << " | " << change(a.macs, b.macs)
     << " |\n"
     << "| nodes | " << grouped(a.nodes) << " | " << grouped(b.nodes) << " | " << change(a.nodes, b.nodes) << " |\n"
     << "| activation RAM (planned arena" << (b.ram_lower_bound_bytes ? "; compressed: TFLM's, with the blob's plan" : "")
     << ") | " << bytes(a.peak_ram_bytes) << " | " << bytes(b.peak_ram_bytes) << " | "
     << change(a.peak_ram_bytes, b.peak_ram_bytes) << " |\n";
  if (b.ram_lower_bound_bytes) os << "| activation RAM lower bound | | " << bytes(*b.ram_lower_bound_bytes) << " | |\n";
  if (b.ram_bytes) os << "| RAM on a 32-bit MCU (TFLM arena: activations + persistent, estimated) | | " << bytes(*b.ram_bytes) << " | |\n";
  if (b.blob_bytes) os << "| TFLite blob (flash) | | " << bytes(b.blob_bytes) << " | |\n";
  os << "\n";
}

// The board's flash and RAM after the runtime's reserve, against the model's.
void target(std::ostringstream& os, const std::optional<TargetFit>& t) {
  if (!t) return;
  const TargetProfile& p = t->profile;
  os << "## Target: " << p.name << "\n\n" << (p.board.empty() ? p.name : p.board) << ", " << p.core << ": "
     << grouped(p.flash_bytes) << " B flash, " << grouped(p.ram_bytes) << " B RAM (" << p.source
     << "). The runtime is given " << grouped(t->runtime_flash) << " B of flash and " << grouped(t->runtime_ram)
     << " B of RAM first (TFLite Micro and the firmware).\n\n"
     << "| | model | budget | fits |\n|---|---:|---:|---|\n";
  const auto row = [&](const char* what, const std::optional<int64_t>& used, int64_t budget) {
    os << "| " << what << " | " << bytes(used) << " | " << grouped(budget) << " B | "
       << (used && *used <= budget ? "yes" : "no") << " |\n";
  };
  row("flash (.tflite)", t->flash_used, t->flash_budget);
  row("RAM (TFLM arena)", t->ram_used, t->ram_budget);
  os << "\n";
}

std::string top1_text(const std::optional<Metrics>& m) {
  if (!m || !m->classification || !m->classification->top1_compressed_pct) return "";
  return fixed(*m->classification->top1_compressed_pct, 2) + " %";
}

void pruning(std::ostringstream& os, const AccuracyReport& r) {
  if (!r.pruning) return;
  const PruningFacts& p = *r.pruning;
  os << "## Pruning\n\n" << p.granularity << ", " << fixed(100 * p.achieved_ratio, 1) << " % of the "
     << grouped(p.prunable_before) << " Conv/Gemm weights removed (asked " << fixed(100 * p.requested_ratio, 1)
     << " %)";
  if (p.synthesized_rows > 0)
    os << ", without data: on " << p.synthesized_rows << " rows synthesized from the model's BatchNorm statistics (in "
       << fixed(p.synthesis_seconds, 1) << " s)";
  os << ".\n\n| | original | pruned float | compressed |\n|---|---:|---:|---:|\n"
     << "| parameters | " << grouped(r.original.params) << " | " << grouped(p.pruned_float.params) << " | "
     << grouped(r.compressed.params) << " |\n"
     << "| MACs per inference | " << grouped(r.original.macs) << " | " << grouped(p.pruned_float.macs) << " | "
     << grouped(r.compressed.macs) << " |\n"
     << "| weights as stored | " << bytes(r.original.weight_bytes) << " | " << bytes(p.pruned_float.weight_bytes)
     << " | " << bytes(r.compressed.weight_bytes) << " |\n";
  const std::optional<Metrics> compressed =
      r.evaluation ? std::optional<Metrics>(r.evaluation->evaluation.metrics) : std::nullopt;
  if (r.evaluation && r.evaluation->evaluation.metrics.classification &&
      r.evaluation->evaluation.metrics.classification->top1_float_pct)
    os << "| top-1 | " << fixed(*r.evaluation->evaluation.metrics.classification->top1_float_pct, 2) << " % | "
       << top1_text(p.pruned_float_metrics) << " | " << top1_text(compressed) << " |\n";
  os << "\n| layer | units before | after | SNR alone (dB) |\n|---|---:|---:|---:|\n";
  for (const PrunedLayer& l : p.layers)
    os << "| " << code(l.name) << " | " << grouped(l.units_before) << " | " << grouped(l.units_after) << " | "
       << fixed(l.sensitivity_snr_db, 1) << " |\n";
  if (!p.refits.empty()) {
    os << "\nLeast-squares refits (relative output error of the layer on held-out calibration rows):\n\n"
       << "| layer | before | after | applied |\n|---|---:|---:|---|\n";
    for (const PruneRefit& f : p.refits)
      os << "| " << code(f.name) << " | " << significant(f.error_before, 3) << " | " << significant(f.error_after, 3) << " | "
         << (f.applied ? "yes" : "no") << " |\n";
  }
  os << "\n";
}

// Shown when the weights are not all 8-bit by request: each layer's width and why.
void weight_widths(std::ostringstream& os, const std::optional<QuantizationFacts>& q) {
  if (!q || q->weight_bits == "8") return;
  int64_t four = 0;
  for (const WeightLayerFacts& l : q->weight_layers) four += l.bits == 4;
  os << "## Weight widths\n\n4-bit weights on " << four << " of " << q->weight_layers.size()
     << " weighted layers (--weight-bits " << q->weight_bits << ", " << q->rounding << " rounding)";
  if (!q->width_criterion.empty()) os << "; " << q->width_criterion;
  os << ". *Error* is the layer's relative output error on the calibration rows at that width.\n\n"
     << "| layer | op | bits | error at 4 bits | error at 8 bits | why |\n|---|---|---:|---:|---:|---|\n";
  const auto error = [](const std::optional<double>& e) { return e ? significant(*e, 3) : std::string("—"); };
  for (const WeightLayerFacts& l : q->weight_layers)
    os << "| " << code(l.layer) << " | " << l.op << " | " << l.bits << " | " << error(l.error_at_4) << " | "
       << error(l.error_at_8) << " | " << l.why << " |\n";
  os << "\n";
}

void layers(std::ostringstream& os, const LayerErrorTable& t) {
  os << "## Per-layer error (lowest SNR first)\n\n";
  if (t.layers.empty()) {
    os << "No run-time value is shared by name between the two graphs, so no layer was compared.\n\n";
  } else {
    os << "SNR compares each value with the float value of the same name; *added* is the SNR of the error the "
          "layer adds to what its inputs already carry. A row covers its node and the nodes before it whose "
          "values were not compared (shown with →).\n\n"
       << "| value | nodes | op | SNR dB | added dB | |\n|---|---|---|---:|---:|---|\n";
    std::vector<size_t> order(t.layers.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return t.layers[a].snr_db < t.layers[b].snr_db; });
    for (size_t i : order) {
      const LayerError& l = t.layers[i];
      os << "| " << code(l.name) << " | " << span(l) << " | " << l.op << " | " << fixed(l.snr_db, 1) << " | "
         << fixed(l.added_snr_db, 1) << " | "
         << (static_cast<int64_t>(i) == t.worst ? "**worst: adds the most error**" : "") << " |\n";
    }
    os << "\n";
    if (t.worst < 0)
      os << "No layer adds error beyond float rounding (added SNR >= " << fixed(kRoundingSnrDb, 0) << " dB).\n\n";
  }
  if (t.skipped.empty()) return;
  os << grouped(static_cast<int64_t>(t.skipped.size())) << " value(s) named alike in both graphs were not compared:\n\n";
  for (size_t i = 0; i < std::min(t.skipped.size(), kSkippedShown); ++i) os << "- " << t.skipped[i] << "\n";
  if (t.skipped.size() > kSkippedShown) os << "- … and " << t.skipped.size() - kSkippedShown << " more\n";
  os << "\n";
}

void disagreements(std::ostringstream& os, const std::optional<ClassificationMetrics>& c) {
  if (!c) return;
  os << "## Disagreements (float class → compressed class)\n\n";
  if (c->confusion.empty()) {
    os << "None: both models predict the same class on every row.\n\n";
    return;
  }
  os << "| float class | compressed class | rows |\n|---:|---:|---:|\n";
  for (const ClassPair& p : c->confusion)
    os << "| " << p.float_class << " | " << p.compressed_class << " | " << grouped(p.count) << " |\n";
  os << "\n";
}

void passes_and_notes(std::ostringstream& os, const AccuracyReport& r) {
  os << "## Passes\n\nCompressed in " << duration(r.compress_seconds);
  if (r.evaluation) os << ", evaluated in " << duration(r.evaluation->evaluation.seconds);
  os << ".\n\n";
  if (const auto& q = r.quantization) {
    os << "Quantized to int8"
       << (q->weight_bits == "8" ? "" : q->weight_bits == "4" ? " (4-bit weights)" : " (4- and 8-bit weights)")
       << "; activation ranges: " << q->calibration_method;
    if (q->calibration_rows > 0)
      os << ", calibrated on " << grouped(q->calibration_rows) << " rows in " << duration(q->calibration_seconds);
    else if (q->calibration_seconds > 0)
      os << ", estimated without data in " << duration(q->calibration_seconds);
    std::string chosen;
    for (const auto& [method, count] : q->ranges_by_method)
      chosen += (chosen.empty() ? "" : ", ") + method + " " + grouped(count);
    if (!chosen.empty()) os << " (ranges by method: " << chosen << ")";
    os << ".\n\n";
  }
  if (const auto& c = r.calibration_selection) {
    const calib::RowSelection& s = c->selection;
    os << "Calibration rows: " << grouped(static_cast<int64_t>(s.rows.size())) << " of the " << grouped(s.pool_rows)
       << " in `" << c->pool << "`, chosen to cover the float model's activations at `" << s.feature << "`";
    if (s.classes > 0) os << ", balanced over " << s.classes << " predicted classes";
    os << " (rows";
    for (size_t i = 0; i < s.rows.size(); ++i) os << (i == 0 ? " " : ", ") << s.rows[i];
    os << ").\n\n";
  }
  if (!r.pipeline.empty()) os << "Pipeline (replay it with `--passes`): `" << r.pipeline << "`\n\n";
  for (const std::string& p : r.passes) os << "- " << p << "\n";
  os << "\n";
  if (r.warnings.empty()) return;
  os << "## Warnings\n\n";
  for (const std::string& w : r.warnings) os << "- " << w << "\n";
  os << "\n";
}

}  // namespace

std::string report_to_markdown(const AccuracyReport& report) {
  std::ostringstream os;
  headline(os, report);
  if (report.evaluation) {
    const Evaluation& e = report.evaluation->evaluation;
    accuracy(os, e.metrics);
    output_error(os, e.metrics);
  }
  gates(os, report.gates);
  sizes(os, report);
  target(os, report.target);
  pruning(os, report);
  weight_widths(os, report.quantization);
  if (report.evaluation) {
    layers(os, report.evaluation->evaluation.layers);
    disagreements(os, report.evaluation->evaluation.metrics.classification);
  }
  passes_and_notes(os, report);
  return os.str();
}

}  // namespace tinyc::report
