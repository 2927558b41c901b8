// Gate checks: what each gate needs before the work, and its verdict after.
#include "report/gates.h"

#include <algorithm>
#include <cmath>

#include "ir/error.h"
#include "report/text_format.h"

namespace tinyc::report {

namespace {

// The evaluation gates the user set, by option name.
std::vector<std::string> evaluation_gates(const GateLimits& limits) {
  std::vector<std::string> gates;
  if (limits.max_accuracy_drop_points) gates.push_back("--max-accuracy-drop");
  if (limits.min_agreement_pct) gates.push_back("--min-agreement");
  if (limits.min_snr_db) gates.push_back("--min-snr");
  return gates;
}

void check_limit_values(const GateLimits& limits) {
  if (limits.min_agreement_pct && !(*limits.min_agreement_pct >= 0 && *limits.min_agreement_pct <= 100))
    throw InputError("--min-agreement takes a percentage from 0 to 100 (got " + fixed(*limits.min_agreement_pct, 2) +
                     ")");
  if (limits.max_accuracy_drop_points && !std::isfinite(*limits.max_accuracy_drop_points))
    throw InputError("--max-accuracy-drop takes a finite number of percentage points");
  if (limits.min_snr_db && std::isnan(*limits.min_snr_db)) throw InputError("--min-snr takes a number of dB");
  if (limits.max_size_bytes && *limits.max_size_bytes < 0)
    throw InputError("--max-size takes a byte count of 0 or more (got " + std::to_string(*limits.max_size_bytes) + ")");
  if (limits.max_ram_bytes && *limits.max_ram_bytes < 0)
    throw InputError("--max-ram takes a byte count of 0 or more (got " + std::to_string(*limits.max_ram_bytes) + ")");
}

void check_accuracy_drop_measurable(const EvaluationPlan& plan) {
  switch (plan.task) {
    case OutputTask::Classification:
      if (!plan.has_labels())
        throw InputError("--max-accuracy-drop needs labels: add --labels labels.npy (one integer class per eval row)");
      return;
    case OutputTask::Reconstruction: {
      if (!plan.has_labels() || plan.normal_classes.empty())
        throw InputError(
            "--max-accuracy-drop on an autoencoder gates its anomaly AUC: add --labels labels.npy and "
            "--normal-classes (the classes it was trained on)");
      const auto normal = std::count_if(plan.labels.begin(), plan.labels.end(), [&](int64_t label) {
        return std::find(plan.normal_classes.begin(), plan.normal_classes.end(), label) != plan.normal_classes.end();
      });
      if (normal == 0 || normal == static_cast<int64_t>(plan.labels.size()))
        throw InputError("--max-accuracy-drop: the labels need both normal rows (--normal-classes) and anomalous "
                         "rows to measure an anomaly AUC");
      return;
    }
    case OutputTask::Regression:
    case OutputTask::Dense:
    case OutputTask::Other:
      break;
  }
  throw InputError("--max-accuracy-drop needs a model whose output holds class scores or reconstructs its input");
}

GateResult verdict(std::string gate, double limit, double measured, std::string unit, bool passed,
                   const std::string& what) {
  // A NaN measurement (e.g. eval rows holding Inf or NaN) fails every gate.
  passed = passed && !std::isnan(measured);
  GateResult r{std::move(gate), limit, measured, std::move(unit), passed, ""};
  r.message = "gate " + r.gate + (passed ? " passed: " : " failed: ") + what +
              (std::isnan(measured) ? " (not a number: do the eval rows hold Inf or NaN?)" : "");
  return r;
}

GateResult accuracy_drop_gate(double limit, const Metrics& m) {
  double drop = 0;
  std::string measure;
  if (m.classification && m.classification->top1_float_pct && m.classification->top1_compressed_pct) {
    drop = *m.classification->top1_float_pct - *m.classification->top1_compressed_pct;
    measure = "top-1";
  } else if (m.anomaly) {
    drop = 100.0 * (m.anomaly->auc_float - m.anomaly->auc_compressed);
    measure = "anomaly AUC";
  } else {
    throw InternalError("--max-accuracy-drop evaluated without accuracy");
  }
  const std::string what = measure + (drop >= 0 ? " dropped " : " rose ") + fixed(std::abs(drop), 2) +
                           " points (limit " + fixed(limit, 2) + ")";
  return verdict("--max-accuracy-drop", limit, drop, "points", drop <= limit, what);
}

GateResult agreement_gate(double limit, const Metrics& m) {
  if (!m.classification) throw InternalError("--min-agreement evaluated without classification");
  const double agreement = m.classification->agreement_pct;
  return verdict("--min-agreement", limit, agreement, "%", agreement >= limit,
                 "top-1 agreement " + fixed(agreement, 2) + " % (limit " + fixed(limit, 2) + " %)");
}

GateResult snr_gate(double limit, const Metrics& m) {
  const double snr = m.min_output_snr_db();
  return verdict("--min-snr", limit, snr, "dB", snr >= limit,
                 "output SNR " + fixed(snr, 1) + " dB (limit " + fixed(limit, 1) + " dB)");
}

}  // namespace

bool GateLimits::need_evaluation() const { return !evaluation_gates(*this).empty(); }

void check_gates_measurable(const GateLimits& limits, const std::optional<EvaluationPlan>& plan) {
  check_limit_values(limits);
  const std::vector<std::string> gates = evaluation_gates(limits);
  if (!gates.empty() && !plan) throw InputError(gates.front() + " needs eval data: add --eval data.npy");
  if (limits.max_accuracy_drop_points) check_accuracy_drop_measurable(*plan);
  if (limits.min_agreement_pct && plan->task != OutputTask::Classification)
    throw InputError("--min-agreement needs a classifier: output 0 of this model is a " +
                     std::string(task_name(plan->task)) + " output, not class scores");
}

std::vector<GateResult> evaluate_gates(const GateLimits& limits, const Evaluation* evaluation,
                                       int64_t output_file_bytes, std::optional<int64_t> ram_bytes) {
  if (limits.need_evaluation() && !evaluation) throw InternalError("gates evaluated without an evaluation");
  std::vector<GateResult> results;
  if (limits.max_accuracy_drop_points)
    results.push_back(accuracy_drop_gate(*limits.max_accuracy_drop_points, evaluation->metrics));
  if (limits.min_agreement_pct) results.push_back(agreement_gate(*limits.min_agreement_pct, evaluation->metrics));
  if (limits.min_snr_db) results.push_back(snr_gate(*limits.min_snr_db, evaluation->metrics));
  if (limits.max_size_bytes) {
    const int64_t limit = *limits.max_size_bytes;
    results.push_back(verdict("--max-size", static_cast<double>(limit), static_cast<double>(output_file_bytes),
                              "bytes", output_file_bytes <= limit,
                              "output file " + grouped(output_file_bytes) + " bytes (limit " + grouped(limit) +
                                  " bytes)"));
  }
  if (limits.max_ram_bytes) {
    if (!ram_bytes) throw InternalError("--max-ram evaluated without the RAM of a written .tflite");
    const int64_t limit = *limits.max_ram_bytes;
    results.push_back(verdict("--max-ram", static_cast<double>(limit), static_cast<double>(*ram_bytes), "bytes",
                              *ram_bytes <= limit,
                              "RAM (TFLite Micro arena, 32-bit MCU) " + grouped(*ram_bytes) + " bytes (limit " +
                                  grouped(limit) + " bytes)"));
  }
  return results;
}

std::string gate_failures(const std::vector<GateResult>& results) {
  std::string lines;
  for (const GateResult& r : results)
    if (!r.passed) lines += (lines.empty() ? "" : "\n") + r.message;
  return lines;
}

}  // namespace tinyc::report
