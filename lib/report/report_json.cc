// JSON rendering of AccuracyReport, field for field as docs/report.md describes.
#include "report/report_json.h"

#include <cmath>

#include "ir/version.h"
#include "report/text_format.h"

namespace tinyc::report {

namespace {

using json = nlohmann::ordered_json;

json optional_number(const std::optional<double>& v) { return v ? number(*v) : json(nullptr); }

json model_json(const ModelFacts& m) {
  return {{"path", m.path},
          {"file_bytes", optional_value(m.file_bytes)},
          {"blob_bytes", optional_value(m.blob_bytes)},
          {"nodes", m.nodes},
          {"params", m.params},
          {"weight_bytes", m.weight_bytes},
          {"macs", m.macs},
          {"peak_ram_bytes", m.peak_ram_bytes},
          {"ram_lower_bound_bytes", optional_value(m.ram_lower_bound_bytes)},
          {"ram_bytes", optional_value(m.ram_bytes)}};
}

json metrics_summary_json(const Metrics& m) {
  json j = {{"rows", m.rows}, {"snr_db", m.outputs.empty() ? json(nullptr) : number(m.outputs[0].snr_db)}};
  if (m.classification) {
    j["agreement_pct"] = number(m.classification->agreement_pct);
    j["top1_pct"] = optional_number(m.classification->top1_compressed_pct);
  }
  if (m.anomaly) j["auc"] = number(m.anomaly->auc_compressed);
  return j;
}

json pruning_json(const std::optional<PruningFacts>& p) {
  if (!p) return nullptr;
  json layers = json::array();
  for (const PrunedLayer& l : p->layers)
    layers.push_back({{"name", l.name},
                      {"units_before", l.units_before},
                      {"units_after", l.units_after},
                      {"sensitivity_snr_db", number(l.sensitivity_snr_db)}});
  json refits = json::array();
  for (const PruneRefit& f : p->refits)
    refits.push_back({{"name", f.name},
                      {"error_before", number(f.error_before)},
                      {"error_after", number(f.error_after)},
                      {"applied", f.applied}});
  return {{"granularity", p->granularity},
          {"requested_ratio", p->requested_ratio},
          {"achieved_ratio", p->achieved_ratio},
          {"prunable_before", p->prunable_before},
          {"prunable_after", p->prunable_after},
          {"layers", layers},
          {"refits", refits},
          {"pruned_float", model_json(p->pruned_float)},
          {"synthesized_rows", p->synthesized_rows},
          {"synthesis_seconds", number(p->synthesis_seconds)},
          {"pruned_float_evaluation",
           p->pruned_float_metrics ? metrics_summary_json(*p->pruned_float_metrics) : json(nullptr)}};
}

json calibration_selection_json(const std::optional<CalibrationSelection>& c) {
  if (!c) return nullptr;
  return {{"pool", c->pool},
          {"pool_rows", c->selection.pool_rows},
          {"rows", c->selection.rows},
          {"feature", c->selection.feature},
          {"balanced_classes", c->selection.classes}};
}

json weights_json(const QuantizationFacts& q) {
  json layers = json::array();
  for (const WeightLayerFacts& l : q.weight_layers)
    layers.push_back({{"layer", l.layer},
                      {"op", l.op},
                      {"bits", l.bits},
                      {"error_at_4", l.error_at_4 ? json(*l.error_at_4) : json(nullptr)},
                      {"error_at_8", l.error_at_8 ? json(*l.error_at_8) : json(nullptr)},
                      {"why", l.why}});
  return {{"bits", q.weight_bits},
          {"rounding", q.rounding},
          {"criterion", q.width_criterion.empty() ? json(nullptr) : json(q.width_criterion)},
          {"layers", layers}};
}

json target_json(const std::optional<TargetFit>& t) { return t ? target_to_json(*t) : json(nullptr); }

json quantization_json(const std::optional<QuantizationFacts>& q) {
  if (!q) return nullptr;
  return {{"calibration_method", q->calibration_method},
          {"calibration_rows", q->calibration_rows},
          {"calibration_seconds", q->calibration_seconds},
          {"ranges_by_method", q->ranges_by_method},
          {"weights", weights_json(*q)}};
}

json outputs_json(const std::vector<OutputError>& outputs) {
  json list = json::array();
  for (const OutputError& o : outputs)
    list.push_back({{"name", o.name},
                    {"elements_per_row", o.elements_per_row},
                    {"snr_db", number(o.snr_db)},
                    {"cosine", number(o.cosine)},
                    {"rmse", number(o.rmse)},
                    {"mae", number(o.mae)},
                    {"max_abs_error", number(o.max_abs_error)}});
  return list;
}

json classification_json(const std::optional<ClassificationMetrics>& c) {
  if (!c) return nullptr;
  json confusion = json::array();
  for (const ClassPair& p : c->confusion)
    confusion.push_back(
        {{"float_class", p.float_class}, {"compressed_class", p.compressed_class}, {"count", p.count}});
  return {{"classes", c->classes},
          {"agreement_pct", number(c->agreement_pct)},
          {"disagreements", c->disagreements},
          {"top1_float_pct", optional_number(c->top1_float_pct)},
          {"top1_compressed_pct", optional_number(c->top1_compressed_pct)},
          {"top1_delta_points", optional_number(c->top1_delta_points())},
          {"confusion", confusion}};
}

json anomaly_json(const std::optional<AnomalyMetrics>& a) {
  if (!a) return nullptr;
  return {{"normal_classes", a->normal_classes},
          {"normal_rows", a->normal_rows},
          {"anomaly_rows", a->anomaly_rows},
          {"auc_float", number(a->auc_float)},
          {"auc_compressed", number(a->auc_compressed)},
          {"auc_delta_points", number(100.0 * (a->auc_compressed - a->auc_float))}};
}

json layers_json(const LayerErrorTable& table) {
  json list = json::array();
  for (size_t i = 0; i < table.layers.size(); ++i) {
    const LayerError& l = table.layers[i];
    list.push_back({{"name", l.name},
                    {"node", l.node},
                    {"op", l.op},
                    {"uncompared_nodes", l.uncompared_nodes},
                    {"elements_per_row", l.elements_per_row},
                    {"snr_db", number(l.snr_db)},
                    {"added_snr_db", number(l.added_snr_db)},
                    {"clipped_pct", number(l.clipped_pct)},
                    {"worst", static_cast<int64_t>(i) == table.worst}});
  }
  return list;
}

json evaluation_json(const std::optional<EvaluationSection>& section) {
  if (!section) return nullptr;
  const Evaluation& e = section->evaluation;
  const LayerErrorTable& t = e.layers;
  return {{"data", section->data_path},
          {"labels", section->labels_path.empty() ? json(nullptr) : json(section->labels_path)},
          {"rows", e.metrics.rows},
          {"seconds", e.seconds},
          {"input_clipped_pct", number(e.input_clipped_pct)},
          {"task", task_name(e.metrics.task)},
          {"outputs", outputs_json(e.metrics.outputs)},
          {"classification", classification_json(e.metrics.classification)},
          {"anomaly", anomaly_json(e.metrics.anomaly)},
          {"layers", layers_json(t)},
          {"worst_layer", t.worst >= 0 ? json(t.layers[t.worst].name) : json(nullptr)},
          {"layers_skipped", t.skipped}};
}

json gates_json(const std::vector<GateResult>& gates) {
  json list = json::array();
  for (const GateResult& g : gates)
    list.push_back({{"gate", g.gate},
                    {"limit", number(g.limit)},
                    {"measured", number(g.measured)},
                    {"unit", g.unit},
                    {"passed", g.passed},
                    {"message", g.message}});
  return list;
}

}  // namespace

json number(double v) { return std::isfinite(v) ? json(v) : json(fixed(v, 0)); }

json target_to_json(const TargetFit& fit) {
  return {{"name", fit.profile.name},
          {"board", fit.profile.board},
          {"core", fit.profile.core},
          {"flash_bytes", fit.profile.flash_bytes},
          {"ram_bytes", fit.profile.ram_bytes},
          {"runtime_reserve", {{"flash_bytes", fit.runtime_flash}, {"ram_bytes", fit.runtime_ram}}},
          {"flash_budget_bytes", fit.flash_budget},
          {"ram_budget_bytes", fit.ram_budget},
          {"flash_used_bytes", optional_value(fit.flash_used)},
          {"ram_used_bytes", optional_value(fit.ram_used)},
          {"fits", fit.fits()},
          {"source", fit.profile.source}};
}

nlohmann::ordered_json report_to_json(const AccuracyReport& report) {
  return {{"schema_version", kReportSchemaVersion},
          {"tinyc_version", kVersion},
          {"passed", report.gates_passed()},
          {"models", {{"original", model_json(report.original)}, {"compressed", model_json(report.compressed)}}},
          {"compress_seconds", report.compress_seconds},
          {"calibration_selection", calibration_selection_json(report.calibration_selection)},
          {"pruning", pruning_json(report.pruning)},
          {"quantization", quantization_json(report.quantization)},
          {"pipeline", report.pipeline},
          {"passes", report.passes},
          {"evaluation", evaluation_json(report.evaluation)},
          {"warnings", report.warnings},
          {"gates", gates_json(report.gates)},
          {"target", target_json(report.target)}};
}

}  // namespace tinyc::report
