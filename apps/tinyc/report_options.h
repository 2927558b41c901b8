// The accuracy-report side of `compress`: --eval, --labels, --normal-classes, --report, --report-md
// and the CI gates. Kept apart so compress_command.cc only sequences the steps.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "report/accuracy_report.h"

namespace tinyc::cli {

// What the user asked the report to measure and where to write it.
struct ReportOptions {
  std::string eval;    // eval rows .npy
  std::string labels;  // integer labels .npy, one per eval row
  std::vector<int64_t> normal_classes;
  std::string report_json;
  std::string report_md;
  report::GateLimits gates;
  std::string target;       // --target: a built-in board profile
  std::string target_file;  // --target-file: a board profile in JSON
  bool file_layout_rows = false;  // set for a .tflite model: rows may come in the file's NHWC layout
  int threads = 0;                 // --threads: executor threads of the evaluation; 0 = one per core

  // The Markdown path: --report-md, else the --report path with extension .md; empty for none.
  std::filesystem::path markdown_path() const;
};

void add_report_options(CLI::App& cmd, ReportOptions& opt);

// The board of --target or --target-file with its budgets; empty when neither is given. InputError
// for both, an unknown name or a bad file.
std::optional<report::TargetFit> resolve_target(const std::string& target, const std::string& target_file);

// The board of --target or --target-file (InputError for both, an unknown name or a bad file),
// with its budgets written into the --max-size and --max-ram gates (the tighter limit wins).
std::optional<report::TargetFit> apply_target(ReportOptions& opt);

// Eval rows and their plan, read and checked against the float model before any pass runs.
struct EvalInputs {
  ir::Tensor rows;
  report::EvaluationPlan plan;
};

// Reads --eval/--labels, checks them and every gate's preconditions (InputError before the long
// work: e.g. --max-accuracy-drop without labels), and checks the report folders exist. Empty
// without --eval.
std::optional<EvalInputs> prepare_report(const ReportOptions& opt, const ir::Graph& float_graph);

// Runs the evaluation of `compressed` against `original` with a progress line on stderr.
report::EvaluationSection evaluate(const ReportOptions& opt, const EvalInputs& inputs, const ir::Graph& original,
                                   const ir::Graph& compressed);

// Notes on what the evaluation could not measure, for the report's warnings.
std::vector<std::string> evaluation_warnings(const ReportOptions& opt, const report::EvaluationSection& section);

// Evaluates the gates against the written model, writes the report files atomically, prints the
// summary on stdout, then throws GateFailed (one line per failed gate) if any gate failed.
void finish_report(const ReportOptions& opt, report::AccuracyReport& report);

}  // namespace tinyc::cli
