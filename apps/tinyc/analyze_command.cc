// `tinyc analyze model.onnx --calib c.npy [--json out.json]`: per-layer pruning sensitivity, i.e.
// how far the folded model's outputs move on calibration rows when one layer alone loses 10 % ..
// 80 % of its channels (or weights), as a table and as JSON.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "io/atomic_file.h"
#include "io/dataset.h"
#include "io/json_text.h"
#include "model_loading.h"
#include "output_folder.h"
#include "passes/default_pipelines.h"
#include "passes/pass_manager.h"
#include "passes/prune/prune.h"

namespace tinyc::cli {

namespace {

struct AnalyzeOptions {
  std::string model;
  std::string calib;
  std::string json;
  std::string granularity = "structured";
  std::string ranking = "activation";
  std::vector<double> ratios = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
  int64_t rows = 128;
  LoadOptions load;
};

std::string cell(double value, int width, int precision) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%*.*f", width, precision, value);
  return buffer;
}

void print_table(const std::vector<passes::LayerSensitivity>& layers, const std::vector<double>& ratios,
                 const std::string& title, bool agreement) {
  size_t name_width = 5;
  for (const auto& l : layers) name_width = std::max(name_width, l.name.size());
  std::cout << title << "\n" << "layer" << std::string(name_width - 5, ' ') << "       params";
  for (double r : ratios) std::cout << cell(r, 7, 1);
  std::cout << "\n";
  for (const auto& l : layers) {
    std::cout << l.name << std::string(name_width - l.name.size(), ' ') << "  " << cell(static_cast<double>(l.weights), 11, 0);
    for (const auto& p : l.curve) std::cout << cell(agreement ? 100 * p.agreement : p.snr_db, 7, 1);
    std::cout << "\n";
  }
}

nlohmann::json to_json(const AnalyzeOptions& opt, const std::vector<passes::LayerSensitivity>& layers, int64_t rows) {
  nlohmann::json j = {{"model", opt.model}, {"granularity", opt.granularity}, {"ranking", opt.ranking},
                      {"calibration_rows", rows}, {"ratios", opt.ratios}, {"layers", nlohmann::json::array()}};
  for (const auto& l : layers) {
    nlohmann::json curve = nlohmann::json::array();
    for (const auto& p : l.curve) curve.push_back({{"ratio", p.ratio}, {"snr_db", p.snr_db}, {"top1_agreement", p.agreement}});
    j["layers"].push_back({{"name", l.name}, {"units", l.units}, {"params", l.weights}, {"curve", curve}});
  }
  return j;
}

void run_analyze(const AnalyzeOptions& opt) {
  for (double r : opt.ratios)
    if (!(r > 0 && r < 1)) throw InputError("--ratios: each ratio must be between 0 and 1 (exclusive), got " + std::to_string(r));
  if (opt.rows < 1) throw InputError("--rows must be at least 1 (got " + std::to_string(opt.rows) + ")");
  passes::PruneOptions options;
  options.granularity = passes::parse_granularity(opt.granularity, "--granularity");
  options.ranking = passes::parse_ranking(opt.ranking, "--ranking");
  options.calibration_rows = opt.rows;
  options.sensitivity_rows = opt.rows;
  check_outputs_apart({{"--json", opt.json}}, {{"model", opt.model}, {"--calib", opt.calib}});
  check_output_folder(opt.json, "--json");
  auto graph = import_onnx_model(opt.model, opt.load);
  prepare_for_execution(*graph);
  if (graph->inputs().size() != 1)
    throw InputError("--calib: the model has " + std::to_string(graph->inputs().size()) +
                     " inputs; calibration data can feed only a model with one input");
  const ir::Tensor calib = model_input_rows(*graph->inputs()[0], io::read_dataset(opt.calib), opt.calib, false);
  passes::run_pipeline(*graph, passes::parse_pipeline(passes::default_folding_pipeline()));
  const auto layers = passes::analyze_sensitivity(*graph, options, opt.ratios, {calib});
  const int64_t rows = std::min(opt.rows, calib.shape()[0]);
  std::cout << "pruning sensitivity of " << opt.model << " (" << opt.granularity << ", each layer pruned alone, "
            << rows << " calibration rows, no refit)\n\n";
  print_table(layers, opt.ratios, "output SNR (dB) by fraction of the layer removed:", false);
  std::cout << "\n";
  print_table(layers, opt.ratios, "top-1 agreement with the unpruned model (%):", true);
  if (!opt.json.empty()) {
    io::write_file_atomically(opt.json, io::json_text(to_json(opt, layers, rows)) + "\n");
    std::cout << "\nwrote " << opt.json << "\n";
  }
}

}  // namespace

void add_analyze_command(CLI::App& app) {
  auto opt = std::make_shared<AnalyzeOptions>();
  CLI::App* cmd = app.add_subcommand("analyze", "Measure each layer's sensitivity to pruning on calibration data");
  cmd->add_option("model", opt->model, "ONNX model file")->required();
  cmd->add_option("--calib", opt->calib, "Calibration rows: one .npy or a folder of .npy")->required();
  cmd->add_option("--json", opt->json, "Also write the curves as JSON here");
  cmd->add_option("--granularity", opt->granularity, "structured (channels) or unstructured (single weights)")
      ->capture_default_str();
  cmd->add_option("--ranking", opt->ranking, "Channel order: activation, l1 or l2")->capture_default_str();
  cmd->add_option("--ratios", opt->ratios, "Fractions of each layer to remove")->delimiter(',')->allow_extra_args(false)->capture_default_str();
  cmd->add_option("--rows", opt->rows, "Calibration rows measured")->capture_default_str();
  add_load_options(*cmd, opt->load);
  cmd->callback([opt] { run_analyze(*opt); });
}

}  // namespace tinyc::cli
