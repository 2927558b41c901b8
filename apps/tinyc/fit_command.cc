// `tinyc fit model --target BOARD --calib rows.npy`: tries the compressions tinyc has on one model
// for one board, measures each that fits, and writes the one to ship with the Pareto table (JSON,
// Markdown, SVG) and the `tinyc compress` command line that reproduces it.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <set>

#include "commands.h"
#include "fit_search.h"
#include "formats/tflite/import.h"
#include "io/atomic_file.h"
#include "io/json_text.h"
#include "model_loading.h"
#include "output_folder.h"
#include "progress.h"
#include "quantize_options.h"
#include "report/fit_writers.h"
#include "report/text_format.h"
#include "report_options.h"

namespace tinyc::cli {

namespace {

namespace fs = std::filesystem;

struct FitOptions {
  std::string model;
  std::string target;
  std::string target_file;
  std::string calib;
  std::string eval;
  std::string labels;
  std::vector<int64_t> normal_classes;
  std::optional<double> max_accuracy_drop;
  FitSpace space;
  std::string out_dir;  // empty: <model stem>.fit
  LoadOptions load;
  int threads = 0;
};

// A word the shell reads back unchanged.
std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                       "0123456789-_./,:=+@%") == std::string::npos;
  if (plain) return s;
  std::string quoted = "'";
  for (char c : s) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string join(const std::vector<int64_t>& values) {
  std::string text;
  for (int64_t v : values) text += (text.empty() ? "" : ",") + std::to_string(v);
  return text;
}

// The compress command that writes configuration `p` to `output` (and, with --eval, its report).
std::string compress_command(const FitOptions& opt, const fs::path& output, const report::FitPoint& p) {
  std::vector<std::string> words{"tinyc", "compress", opt.model, "--int8", "--calib", opt.calib};
  if (p.prune_ratio > 0) {
    words.insert(words.end(), {"--prune", report::shortest(p.prune_ratio)});
    if (p.granularity != "structured") words.insert(words.end(), {"--prune-granularity", p.granularity});
  }
  if (p.weight_bits != "8") words.insert(words.end(), {"--weight-bits", p.weight_bits});
  if (p.calib_method != "auto") words.insert(words.end(), {"--calib-method", p.calib_method});
  if (!opt.target.empty()) words.insert(words.end(), {"--target", opt.target});
  if (!opt.target_file.empty()) words.insert(words.end(), {"--target-file", opt.target_file});
  for (const std::string& shape : opt.load.input_shapes) words.insert(words.end(), {"--input-shape", shape});
  words.insert(words.end(), {"-o", output.string()});
  if (!opt.eval.empty()) {
    words.insert(words.end(), {"--eval", opt.eval});
    if (!opt.labels.empty()) words.insert(words.end(), {"--labels", opt.labels});
    if (!opt.normal_classes.empty()) words.insert(words.end(), {"--normal-classes", join(opt.normal_classes)});
    fs::path report = output;
    words.insert(words.end(), {"--report", report.replace_extension(".report.json").string()});
  }
  std::string line;
  for (const std::string& w : words) line += (line.empty() ? "" : " ") + shell_word(w);
  return line;
}

void check_space(FitSpace& space) {
  std::set<double> ratios;
  for (double r : space.prune_ratios) {
    if (!(r >= 0 && r < 1))
      throw InputError("--prune-ratios " + report::shortest(r) + ": give fractions from 0 (no pruning) to below 1");
    ratios.insert(r);
  }
  space.prune_ratios.assign(ratios.begin(), ratios.end());
  const auto unique = [](std::vector<std::string>& words, const std::string& option) {
    std::vector<std::string> kept;
    for (const std::string& w : words)
      if (std::find(kept.begin(), kept.end(), w) == kept.end()) kept.push_back(w);
    if (kept.empty()) throw InputError(option + ": give at least one value");
    words = kept;
  };
  unique(space.weight_bits, "--weight-bits");
  unique(space.calib_methods, "--calib-methods");
  if (space.prune_ratios.empty()) throw InputError("--prune-ratios: give at least one value");
}

// The folder of the outputs, checked before any work: it exists and takes files, or its parent does.
fs::path out_dir(const FitOptions& opt) {
  const fs::path dir = opt.out_dir.empty() ? fs::path(fs::path(opt.model).stem().string() + ".fit") : fs::path(opt.out_dir);
  check_output_folder(fs::is_directory(dir) ? dir / "fit.json" : dir, "--out-dir");
  return dir;
}

// Makes the folder when it does not exist yet: only once there is something to write into it.
void make_out_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir) && !fs::create_directory(dir, ec))
    throw InputError("--out-dir " + dir.string() + ": cannot create the folder (" + ec.message() + ")");
}

void write_tables(const report::FitTable& table, const fs::path& dir) {
  make_out_dir(dir);
  io::write_file_atomically(dir / "fit.json", io::json_text(report::fit_to_json(table)) + "\n");
  io::write_file_atomically(dir / "fit.md", report::fit_to_markdown(table, "fit.svg"));
  io::write_file_atomically(dir / "fit.svg", report::fit_to_svg(table));
}

void run_fit(FitOptions opt) {
  const std::optional<report::TargetFit> target = resolve_target(opt.target, opt.target_file);
  if (!target)
    throw InputError("tinyc fit chooses for a board: give --target NAME (see `tinyc targets`) or --target-file "
                     "profile.json");
  if (opt.calib.empty())
    throw InputError("tinyc fit calibrates and prunes on rows: give --calib FILE.npy (a few hundred typical inputs)");
  check_space(opt.space);
  const bool tflite = tflite_format::is_tflite_file(opt.model);
  const TfliteFacts facts = tflite ? read_tflite_facts(opt.model) : TfliteFacts{};
  if (facts.int8)
    throw InputError("'" + opt.model + "' is already int8: tinyc fit needs the float model (ONNX or float .tflite)");
  const fs::path dir = out_dir(opt);
  const fs::path output = dir / (fs::path(opt.model).stem().string() + ".tflite");
  check_outputs_apart({{"--out-dir", output}, {"--out-dir", dir / "fit.json"}},
                      {{"model", opt.model}, {"--calib", opt.calib}, {"--eval", opt.eval}, {"--labels", opt.labels}});

  auto graph = tflite ? import_tflite_model(opt.model, opt.load) : import_onnx_model(opt.model, opt.load);
  prepare_for_execution(*graph);
  ReportOptions report_options;
  report_options.eval = opt.eval;
  report_options.labels = opt.labels;
  report_options.normal_classes = opt.normal_classes;
  report_options.file_layout_rows = tflite;
  report_options.gates.max_accuracy_drop_points = opt.max_accuracy_drop;  // checked measurable as compress's gate
  std::optional<EvalInputs> eval = prepare_report(report_options, *graph);
  QuantizeOptions quantize;
  quantize.int8 = true;
  quantize.calib = opt.calib;
  quantize.file_layout_rows = tflite;

  FitSetup setup;
  setup.float_graph = graph.get();
  setup.context = prepare_quantization(quantize, *graph, true, {.threads = opt.threads}).context;
  if (eval) {
    setup.rows = eval->rows;
    setup.plan = eval->plan;
  } else {
    setup.rows = setup.context.calibration_inputs.front();
    setup.plan = report::plan_evaluation(*graph, setup.rows, std::nullopt, "");
  }
  setup.target = *target;
  setup.output = plan_output(setup.output_options, opt.model, true, tflite ? facts.io_type : "int8");
  setup.output.path = output;
  setup.command = [&opt, output](const report::FitPoint& p) { return compress_command(opt, output, p); };
  std::unique_ptr<ProgressLine> progress;
  setup.progress = [&progress](int64_t done, int64_t total) {
    if (!progress) progress = std::make_unique<ProgressLine>("fit", total, "configurations");
    progress->update(done);
  };

  FitOutcome outcome = run_fit_search(std::move(setup), opt.space, opt.max_accuracy_drop);
  progress.reset();
  report::FitTable& table = outcome.table;
  table.model = opt.model;
  table.measured_on = eval ? opt.eval + " (" + report::grouped(eval->plan.rows) + " rows" +
                                 (opt.labels.empty() ? "" : ", labels " + opt.labels) + ")"
                           : opt.calib + " (the calibration rows; give --eval for held-out rows)";
  write_tables(table, dir);
  if (outcome.chosen_blob) io::write_file_atomically(output, *outcome.chosen_blob);
  std::cout << report::fit_summary(table);
  if (outcome.chosen_blob) std::cout << "wrote " << output.string() << "\n";
  std::cout << "table: " << (dir / "fit.md").string() << ", " << (dir / "fit.json").string() << ", "
            << (dir / "fit.svg").string() << "\n";
  if (!table.chosen) throw GateFailed(table.verdict);
}

}  // namespace

void add_fit_command(CLI::App& app) {
  auto opt = std::make_shared<FitOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fit",
      "Try prune ratios, weight widths and calibration methods on a model for one board, measure each that fits, "
      "and write the one to ship with its Pareto table and the compress command that reproduces it");
  cmd->add_option("model", opt->model, "ONNX model file, or a float .tflite file")->required();
  cmd->add_option("--target", opt->target, "The board (see `tinyc targets`): its flash and RAM less the runtime's");
  cmd->add_option("--target-file", opt->target_file,
                  "A board described in JSON: name, core, flash_bytes, ram_bytes (board, dsp, source, "
                  "runtime_flash_bytes, runtime_ram_bytes optional)");
  cmd->add_option("--calib", opt->calib, "Calibration rows for quantization and pruning (.npy or a folder of .npy)");
  cmd->add_option("--eval", opt->eval,
                  "Measure accuracy on these rows (.npy); without it, agreement with the float model on the "
                  "calibration rows");
  cmd->add_option("--labels", opt->labels, "Integer class labels for the --eval rows: the choice minimises the top-1 drop");
  cmd->add_option("--normal-classes", opt->normal_classes,
                  "For an autoencoder: the label classes that are normal (the choice minimises the anomaly AUC drop)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option_function<double>(
      "--max-accuracy-drop", [opt](const double& v) { opt->max_accuracy_drop = v; },
      "Choose the smallest configuration (flash, then RAM) that loses at most this many points (top-1, or AUC x "
      "100); without it, the most accurate one that fits. Exit 3 when none does");
  cmd->add_option("--prune-ratios", opt->space.prune_ratios, "Structured prune ratios to try (0 = no pruning)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->capture_default_str();
  cmd->add_option("--prune-granularity", opt->space.granularity,
                  "structured (shrinks flash, RAM and MACs) or unstructured (zeroes weights: the file does not shrink)")
      ->check(CLI::IsMember({"structured", "unstructured"}))
      ->capture_default_str();
  cmd->add_option("--weight-bits", opt->space.weight_bits,
                  "Weight widths to try: 8, 4, auto (per layer, as few 4-bit layers as make the board's budget)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"8", "4", "auto"}))
      ->capture_default_str();
  cmd->add_option("--calib-methods", opt->space.calib_methods,
                  "Calibration methods: the first for every configuration, the others tried at the chosen one")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(CLI::IsMember({"auto", "minmax", "percentile", "entropy", "mse"}))
      ->capture_default_str();
  cmd->add_option("--out-dir", opt->out_dir,
                  "Folder for the chosen <model>.tflite and fit.json, fit.md, fit.svg (default: <model stem>.fit)");
  add_load_options(*cmd, opt->load);
  add_threads_option(*cmd, opt->threads);
  cmd->callback([opt] { run_fit(*opt); });
}

}  // namespace tinyc::cli
