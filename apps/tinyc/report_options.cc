// Report options of `compress`: reading eval data, running the evaluation, writing the report.
#include "report_options.h"

#include <spdlog/spdlog.h>

#include <iostream>

#include "io/atomic_file.h"
#include "io/json_text.h"
#include "io/npy.h"
#include "model_loading.h"
#include "output_folder.h"
#include "progress.h"
#include "report/report_json.h"
#include "report/report_markdown.h"
#include "report/report_summary.h"

namespace tinyc::cli {

namespace {

// A value whose float values fall outside its int8 range more often than this (percent) gets a warning.
constexpr double kClippedWarningPct = 1.0;

template <class T>
void add_limit(CLI::App& cmd, const std::string& name, std::optional<T>& limit, const std::string& help) {
  cmd.add_option_function<T>(name, [&limit](const T& v) { limit = v; }, help);
}

}  // namespace

std::filesystem::path ReportOptions::markdown_path() const {
  if (!report_md.empty()) return report_md;
  if (report_json.empty()) return {};
  return std::filesystem::path(report_json).replace_extension(".md");
}

void add_report_options(CLI::App& cmd, ReportOptions& opt) {
  cmd.add_option("--eval", opt.eval,
                 "Evaluate the original float model against the compressed one on these rows (.npy, rows along dim 0)");
  cmd.add_option("--labels", opt.labels, "Integer class labels for the --eval rows (.npy, one per row)");
  cmd.add_option("--normal-classes", opt.normal_classes,
                 "For an autoencoder: the label classes that are normal, e.g. 0,1,2,3,4 (anomaly AUC)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd.add_option("--report", opt.report_json, "Write the accuracy report as JSON here (and as Markdown beside it, .md)");
  cmd.add_option("--report-md", opt.report_md, "Write the Markdown report here instead of beside --report");
  add_limit(cmd, "--max-accuracy-drop", opt.gates.max_accuracy_drop_points,
            "Gate: fail (exit 3) if top-1 accuracy drops more than this many percentage points (needs --labels)");
  add_limit(cmd, "--min-agreement", opt.gates.min_agreement_pct,
            "Gate: fail (exit 3) if the models predict the same class on less than this % of rows");
  add_limit(cmd, "--min-snr", opt.gates.min_snr_db, "Gate: fail (exit 3) if the output SNR is below this many dB");
  add_limit(cmd, "--max-size", opt.gates.max_size_bytes,
            "Gate: fail (exit 3) if the written output model file is larger than this many bytes");
  cmd.add_option("--target", opt.target,
                 "Gate against a board's flash and RAM, less a reserve for TFLite Micro and the firmware (see `tinyc "
                 "targets`): sets --max-size and --max-ram, and the report shows the fit");
  cmd.add_option("--target-file", opt.target_file,
                 "As --target, for a board described in JSON: name, core, flash_bytes, ram_bytes (board, dsp, source "
                 "optional)");
  add_limit(cmd, "--max-ram", opt.gates.max_ram_bytes,
            "Gate: fail (exit 3) if TFLite Micro's arena for the written .tflite on a 32-bit MCU (planned activations "
            "+ estimated persistent part) is larger than this many bytes");
}

std::optional<report::TargetFit> resolve_target(const std::string& target, const std::string& target_file) {
  if (target.empty() && target_file.empty()) return std::nullopt;
  if (!target.empty() && !target_file.empty())
    throw InputError("--target and --target-file both name the board: give one of them");
  return report::budget_of(target.empty() ? report::read_target_file(target_file) : report::find_target(target));
}

std::optional<report::TargetFit> apply_target(ReportOptions& opt) {
  const std::optional<report::TargetFit> resolved = resolve_target(opt.target, opt.target_file);
  if (!resolved) return std::nullopt;
  const report::TargetFit& fit = *resolved;
  const auto tighten = [](std::optional<int64_t>& limit, int64_t budget) {
    budget = std::max<int64_t>(budget, 0);  // a runtime larger than the part leaves nothing: the gate fails
    limit = limit ? std::min(*limit, budget) : budget;
  };
  tighten(opt.gates.max_size_bytes, fit.flash_budget);
  tighten(opt.gates.max_ram_bytes, fit.ram_budget);
  return fit;
}

std::optional<EvalInputs> prepare_report(const ReportOptions& opt, const ir::Graph& float_graph) {
  check_output_folder(opt.report_json, "--report");
  check_output_folder(opt.markdown_path(), opt.report_md.empty() ? "--report" : "--report-md");
  if (opt.eval.empty()) {
    if (!opt.labels.empty()) throw InputError("--labels needs --eval data.npy (the rows the labels belong to)");
    report::check_gates_measurable(opt.gates, std::nullopt);
    return std::nullopt;
  }
  if (float_graph.inputs().size() != 1)
    throw InputError("--eval takes one .npy, but the model has " + std::to_string(float_graph.inputs().size()) +
                     " inputs");
  EvalInputs inputs;
  inputs.rows = model_input_rows(*float_graph.inputs()[0], io::read_npy(opt.eval), opt.eval, opt.file_layout_rows);
  std::optional<ir::Tensor> labels;
  if (!opt.labels.empty()) labels = io::read_npy(opt.labels);
  inputs.plan = report::plan_evaluation(float_graph, inputs.rows, labels, opt.labels, opt.normal_classes);
  report::check_gates_measurable(opt.gates, inputs.plan);
  return inputs;
}

report::EvaluationSection evaluate(const ReportOptions& opt, const EvalInputs& inputs, const ir::Graph& original,
                                   const ir::Graph& compressed) {
  ProgressLine progress("eval", inputs.plan.rows);
  report::EvaluationOptions options;
  options.threads = opt.threads;
  options.progress = [&progress](int64_t done, int64_t) { progress.update(done); };
  return {opt.eval, opt.labels, report::evaluate_models(original, compressed, inputs.rows, inputs.plan, options)};
}

std::vector<std::string> evaluation_warnings(const ReportOptions& opt, const report::EvaluationSection& section) {
  std::vector<std::string> warnings;
  const report::Metrics& m = section.evaluation.metrics;
  if (m.task == report::OutputTask::Reconstruction && !m.anomaly) {
    if (opt.labels.empty() || opt.normal_classes.empty())
      warnings.push_back("the model reconstructs its input: give --labels and --normal-classes to measure anomaly AUC");
    else
      warnings.push_back("anomaly AUC not measured: the labels need both normal and anomalous rows");
  }
  if (m.task != report::OutputTask::Reconstruction && !opt.normal_classes.empty())
    warnings.push_back("--normal-classes ignored: the model's output is not a reconstruction of its input");
  if (section.evaluation.input_clipped_pct > kClippedWarningPct)
    warnings.push_back(fmt::format("{:.1f} % of the evaluation input values fall outside the int8 model's input range: "
                                   "the evaluation rows are not like the calibration rows (or, without --calib, "
                                   "not in the --input-range)",
                                   section.evaluation.input_clipped_pct));
  for (const report::LayerError& l : section.evaluation.layers.layers)
    if (l.clipped_pct > kClippedWarningPct)
      warnings.push_back(fmt::format("{:.1f} % of the float values of '{}' fall outside its int8 range: the "
                                     "evaluation rows reach where the calibration rows did not; calibrate on "
                                     "rows more like them",
                                     l.clipped_pct, l.name));
  return warnings;
}

void finish_report(const ReportOptions& opt, report::AccuracyReport& report) {
  report.gates = report::evaluate_gates(opt.gates, report.evaluation ? &report.evaluation->evaluation : nullptr,
                                        report.compressed.file_bytes.value_or(0), report.compressed.ram_bytes);
  for (const std::string& w : report.warnings) spdlog::warn("{}", w);
  std::string written;
  if (!opt.report_json.empty()) {
    io::write_file_atomically(opt.report_json, io::json_text(report::report_to_json(report)) + "\n");
    written = opt.report_json;
  }
  if (const std::filesystem::path md = opt.markdown_path(); !md.empty()) {
    io::write_file_atomically(md, report::report_to_markdown(report));
    written += (written.empty() ? "" : ", ") + md.string();
  }
  std::cout << report::report_summary(report);
  if (!written.empty()) std::cout << "report: " << written << "\n";
  if (!report.gates_passed()) throw GateFailed(report::gate_failures(report.gates));
}

}  // namespace tinyc::cli
