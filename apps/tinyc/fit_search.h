// The search behind `tinyc fit`: compresses one model in every configuration of a space (prune
// ratios x weight widths, then calibration methods at the best point), skipping what cannot fit,
// measures each that fits against the float model, and picks the one to ship. Work that does not
// depend on the configuration is done once: folding, pruning's sensitivity analysis (one for all
// ratios), each ratio's pruned model (for every width), and the float model's outputs.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "output_options.h"
#include "passes/pass_context.h"
#include "report/evaluate_models.h"
#include "report/fit_table.h"

namespace tinyc::cli {

// The configurations to try.
struct FitSpace {
  std::vector<double> prune_ratios{0, 0.25, 0.5, 0.75};  // 0: not pruned
  std::string granularity = "structured";
  std::vector<std::string> weight_bits{"8", "4", "auto"};
  // The first is used for every configuration; the others are tried at the chosen one.
  std::vector<std::string> calib_methods{"auto", "minmax", "percentile", "entropy", "mse"};
};

// What the search runs on, prepared by the command.
struct FitSetup {
  const ir::Graph* float_graph = nullptr;  // the imported model, shapes inferred
  passes::PassContext context;             // calibration rows and executor options
  ir::Tensor rows;                         // the rows accuracy is measured on
  report::EvaluationPlan plan;
  report::TargetFit target;
  OutputOptions output_options;
  OutputPlan output;  // where the chosen .tflite goes
  // The `tinyc compress` command line that writes a configuration.
  std::function<std::string(const report::FitPoint&)> command;
  // Called after each configuration with (configurations done, configurations at most).
  std::function<void(int64_t, int64_t)> progress;
};

// The search's table (measured_on, loss and model left for the caller) and the chosen file's bytes.
struct FitOutcome {
  report::FitTable table;
  std::optional<std::string> chosen_blob;
};

FitOutcome run_fit_search(FitSetup setup, const FitSpace& space, std::optional<double> max_accuracy_drop);

}  // namespace tinyc::cli
