// `tinyc inspect model.onnx|model.tflite [--json]`: for ONNX the per-layer table, totals, op histogram
// and unsupported ops; for .tflite the operator and tensor tables (tflite_inspect.h).
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "exec/shape_inference.h"
#include "io/json_text.h"
#include "model_loading.h"
#include "report/model_stats.h"
#include "report/model_stats_writer.h"
#include "tflite_inspect.h"

namespace tinyc::cli {

namespace {

struct InspectOptions {
  std::string model;
  bool json = false;
  LoadOptions load;
};

std::string describe(const ir::Value* v) {
  return v->name + " " + std::string(ir::dtype_name(v->dtype)) + " [" +
         (v->shape ? ir::shape_to_string(*v->shape) : "?") + "]";
}

void print(const report::ModelSummary& summary, const report::ModelStats& stats, bool json) {
  if (json)
    std::cout << io::json_text(report::stats_to_json(summary, stats)) << "\n";
  else
    std::cout << report::stats_to_text(summary, stats);
}

void run_inspect(const InspectOptions& opt) {
  if (std::filesystem::path(opt.model).extension() == ".tflite") {
    inspect_tflite(opt.model, opt.json);
    return;
  }
  auto graph = import_onnx_model(opt.model, opt.load);
  report::ModelSummary summary{opt.model, {}, {}, exec::list_unsupported_ops(*graph)};
  for (const ir::Value* v : graph->inputs()) summary.inputs.push_back(describe(v));
  for (const ir::Value* v : graph->outputs()) summary.outputs.push_back(describe(v));
  if (!summary.unsupported_ops.empty()) {
    // Show what the model holds before the error, so one run tells the user everything.
    report::ModelStats histogram_only;
    for (const ir::Node* n : graph->nodes()) ++histogram_only.op_histogram[n->op_type];
    print(summary, histogram_only, opt.json);
  }
  prepare_for_execution(*graph);
  print(summary, report::compute_model_stats(*graph), opt.json);
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto opt = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Show a model's layers, parameters, MACs and weight sizes (or a .tflite file's ops and tensors)");
  cmd->add_option("model", opt->model, "ONNX model file, or a .tflite file")->required();
  cmd->add_flag("--json", opt->json, "Print JSON instead of a table");
  add_load_options(*cmd, opt->load);
  cmd->callback([opt] { run_inspect(*opt); });
}

}  // namespace tinyc::cli
