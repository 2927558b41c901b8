// Short stdout summary of AccuracyReport.
#include "report/report_summary.h"

#include <algorithm>
#include <sstream>

#include "report/text_format.h"

namespace tinyc::report {

namespace {

void accuracy_line(std::ostringstream& os, const Metrics& m) {
  if (const auto& c = m.classification) {
    if (c->top1_float_pct)
      os << "top-1: float " << fixed(*c->top1_float_pct, 2) << " %, compressed " << fixed(*c->top1_compressed_pct, 2)
         << " % (" << signed_fixed(*c->top1_delta_points(), 2) << " points), agreement " << fixed(c->agreement_pct, 2)
         << " %\n";
    else
      os << "top-1 agreement " << fixed(c->agreement_pct, 2) << " % (no labels: accuracy not measured)\n";
  }
  if (const auto& a = m.anomaly)
    os << "anomaly AUC: float " << fixed(a->auc_float, 4) << ", compressed " << fixed(a->auc_compressed, 4) << " ("
       << signed_fixed(100.0 * (a->auc_compressed - a->auc_float), 2) << " points)\n";
}

void error_line(std::ostringstream& os, const Metrics& m) {
  if (m.outputs.empty()) return;
  const OutputError& o = *std::min_element(m.outputs.begin(), m.outputs.end(),
                                           [](const OutputError& a, const OutputError& b) { return a.snr_db < b.snr_db; });
  os << "output" << (m.outputs.size() > 1 ? " '" + o.name + "'" : "") << ": SNR " << fixed(o.snr_db, 1)
     << " dB, cosine " << fixed(o.cosine, 6) << ", RMSE " << significant(o.rmse, 3) << ", max abs error "
     << significant(o.max_abs_error, 3) << "\n";
}

void layer_line(std::ostringstream& os, const LayerErrorTable& t) {
  if (t.worst >= 0) {
    const LayerError& l = t.layers[t.worst];
    std::string with;
    for (size_t i = 0; i < l.uncompared_nodes.size() && i < 2; ++i)
      with += (i ? ", " : ", with ") + l.uncompared_nodes[i];
    if (l.uncompared_nodes.size() > 2) with += ", …";
    os << "worst layer: " << l.name << " (" << l.op << " " << l.node << with << "), SNR " << fixed(l.snr_db, 1)
       << " dB, adds error at " << fixed(l.added_snr_db, 1) << " dB\n";
  } else if (!t.layers.empty()) {
    os << "per-layer: all " << t.layers.size() << " compared values match up to float rounding (SNR >= "
       << fixed(kRoundingSnrDb, 0) << " dB)\n";
  } else {
    os << "per-layer: no run-time value is shared by name, nothing compared\n";
  }
}

void gates_line(std::ostringstream& os, const std::vector<GateResult>& gates) {
  if (gates.empty()) return;
  std::string failed;
  for (const GateResult& g : gates)
    if (!g.passed) failed += (failed.empty() ? "" : ", ") + g.gate;
  if (failed.empty())
    os << "gates: all " << gates.size() << " passed\n";
  else
    os << "gates: " << std::count_if(gates.begin(), gates.end(), [](const GateResult& g) { return !g.passed; })
       << " of " << gates.size() << " failed (" << failed << ")\n";
}

}  // namespace

std::string report_summary(const AccuracyReport& report) {
  std::ostringstream os;
  if (const auto& section = report.evaluation) {
    const Evaluation& e = section->evaluation;
    os << "evaluated " << grouped(e.metrics.rows) << " rows of " << section->data_path << " in "
       << duration(e.seconds) << "\n";
    accuracy_line(os, e.metrics);
    error_line(os, e.metrics);
    layer_line(os, e.layers);
  }
  gates_line(os, report.gates);
  return os.str();
}

}  // namespace tinyc::report
