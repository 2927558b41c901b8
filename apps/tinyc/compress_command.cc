// `tinyc compress model.onnx ...`: runs a pass pipeline (folding, pruning with --prune, int8
// quantization with --int8), writes the compressed model and, with --eval, the accuracy-delta report (original float model vs
// compressed model) and CI gates. A .tflite model is imported first; an int8 one is only re-packed.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "compress_pipeline.h"
#include "formats/onnx/export.h"
#include "formats/tflite/blob_memory.h"
#include "formats/tflite/import.h"
#include "model_loading.h"
#include "output_folder.h"
#include "output_options.h"
#include "passes/pass_manager.h"
#include "prune_options.h"
#include "progress.h"
#include "quantize_options.h"
#include "report_options.h"

namespace tinyc::cli {

namespace {

struct CompressOptions {
  std::string model;
  std::string pipeline;
  std::vector<std::string> dump_after;
  LoadOptions load;
  int threads = 0;
  OutputOptions output;
  PruneCliOptions prune;
  QuantizeOptions quantize;
  ReportOptions report;
};

std::optional<int64_t> size_on_disk(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? std::nullopt : std::optional<int64_t>(static_cast<int64_t>(size));
}

// --dump-after writes the graph after the named pass beside the output: out.after_<pass>.onnx.
passes::PassManagerOptions dump_options(const CompressOptions& opt, const std::filesystem::path& output) {
  passes::PassManagerOptions options;
  for (const std::string& name : opt.dump_after)
    if (!passes::find_pass(name))
      throw InputError("--dump-after: unknown pass '" + name + "'; run `tinyc passes` to list them");
  options.after_pass = [dumps = opt.dump_after, output](const std::string& pass, const ir::Graph& g) {
    if (std::find(dumps.begin(), dumps.end(), pass) == dumps.end()) return;
    std::filesystem::path file = output;
    file.replace_filename(output.stem().string() + ".after_" + pass + ".onnx");
    onnx_format::export_model_file(g, file);
    spdlog::info("wrote {} (graph after {})", file.string(), pass);
  };
  return options;
}

report::QuantizationFacts quantization_facts(const QuantizeOptions& opt, const CompressPipeline& pipeline,
                                             const PreparedCalibration& prepared) {
  report::QuantizationFacts facts;
  facts.calibration_method = opt.data_free ? "data_free" : pipeline.calib_method;
  facts.calibration_seconds = prepared.data_free_seconds;
  const passes::PassContext& context = prepared.context;
  if (!context.calibration) return facts;
  facts.calibration_rows = context.calibration->rows;
  facts.calibration_seconds = context.calibration->seconds;
  for (const auto& [name, range] : context.calibration->ranges)
    ++facts.ranges_by_method[std::string(calib::method_name(range.method))];
  if (const auto& w = context.weights) {
    facts.weight_bits = w->requested;
    facts.rounding = w->rounding;
    facts.width_criterion = w->criterion;
    for (const passes::LayerWidth& l : w->layers)
      facts.weight_layers.push_back({l.layer, l.op, l.bits, l.error_at_4, l.error_at_8, l.why});
  }
  return facts;
}

// Runs the steps and records each one's summary in the report; each layer the quantizer declines
// stays float, a warning with its reason.
void run_steps(ir::Graph& g, const std::vector<passes::PipelineStep>& steps, const passes::PassManagerOptions& manager,
               passes::PassContext& context, report::AccuracyReport& report) {
  if (steps.empty()) return;
  for (const passes::PassSummary& s : passes::run_pipeline(g, steps, manager, &context)) {
    report.passes.push_back(passes::describe(s));
    spdlog::debug("{}", report.passes.back());
    if (s.name == "quantize_int8")
      for (const std::string& d : s.result.declined) spdlog::warn("int8: layer {}", d);
  }
}

// An int8 .tflite file is re-packed: imported and written again with the same arithmetic, so nothing
// that would change a number applies.
void check_repack_options(const CompressOptions& opt) {
  const std::string model = "'" + opt.model + "' is already int8: compress re-packs it unchanged (lean, with tinyc's "
                            "arena plan)";
  if (opt.quantize.int8) throw InputError(model + "; leave out --int8");
  if (opt.prune.enabled()) throw InputError(model + "; --prune needs the float model");
  if (!opt.pipeline.empty() || !opt.dump_after.empty()) throw InputError(model + " and runs no passes; leave out --passes and --dump-after");
  if (!opt.output.format.empty() && opt.output.format != "tflite")
    throw InputError(model + " and writes .tflite only; leave out --format " + opt.output.format);
}

void run_compress(CompressOptions opt) {
  // Everything the user gave is checked here, before the pipeline and the evaluation run.
  const bool tflite = tflite_format::is_tflite_file(opt.model);
  const TfliteFacts tflite_facts = tflite ? read_tflite_facts(opt.model) : TfliteFacts{};
  const bool repack = tflite && tflite_facts.int8;
  if (repack) check_repack_options(opt);
  opt.quantize.file_layout_rows = opt.report.file_layout_rows = tflite;
  CompressPipeline pipeline = compose_pipeline(opt.pipeline, opt.prune, opt.quantize, repack);
  if (imply_data_free(opt.quantize, pipeline.prunes)) pipeline = compose_pipeline(opt.pipeline, opt.prune, opt.quantize, repack);
  opt.quantize.int8 = opt.quantize.int8 || pipeline.quantizes;  // a quantize_int8 step in --passes implies --int8
  const OutputPlan output =
      plan_output(opt.output, opt.model, opt.quantize.int8 || repack, tflite ? tflite_facts.io_type : "int8");
  check_outputs_apart({{"-o", output.path},
                       {"--emit-c", opt.output.emit_c},
                       {"--report", opt.report.report_json},
                       {opt.report.report_md.empty() ? "--report (Markdown)" : "--report-md", opt.report.markdown_path()}},
                      {{"model", opt.model}, {"--calib", opt.quantize.calib}, {"--eval", opt.report.eval},
                       {"--labels", opt.report.labels}});
  std::optional<report::TargetFit> target = apply_target(opt.report);
  if (target && output.format != "tflite")
    throw InputError("--target measures the flash and RAM of a .tflite: use it with --int8 and --format tflite");
  if (opt.report.gates.max_ram_bytes && output.format != "tflite")
    throw InputError("--max-ram measures TFLite Micro's arena for a .tflite: use it with --int8 and --format tflite");
  auto graph = tflite ? import_tflite_model(opt.model, opt.load) : import_onnx_model(opt.model, opt.load);
  prepare_for_execution(*graph);
  const std::optional<EvalInputs> eval = prepare_report(opt.report, *graph);
  opt.report.threads = opt.threads;
  PreparedCalibration prepared = prepare_quantization(opt.quantize, *graph, pipeline.prunes, {.threads = opt.threads});
  passes::PassContext& context = prepared.context;
  const report::GateLimits& limits = opt.report.gates;
  if ((limits.max_size_bytes || limits.max_ram_bytes) && output.format == "tflite")  // for --weight-bits auto
    context.device_budget = passes::DeviceBudget{limits.max_size_bytes, limits.max_ram_bytes,
                                                 [&](const ir::Graph& g) { return tflite_cost(g, opt.output, output); }};
  std::unique_ptr<ProgressLine> progress;  // of the pass that reports one (--weight-bits auto)
  context.progress = [&progress](const std::string& task, int64_t done, int64_t total) {
    if (!progress && done == total) return;  // the end of a task whose line is already cleared
    if (!progress) progress = std::make_unique<ProgressLine>(task, total, "int8 runs");
    progress->update(done);
    if (done == total) progress.reset();
  };
  const std::unique_ptr<ir::Graph> original = eval ? graph->clone() : nullptr;
  report::AccuracyReport report;
  report.original = report::model_facts(*graph, opt.model, size_on_disk(opt.model));
  report.pipeline = pipeline.text;
  if (prepared.selection) report.calibration_selection = report::CalibrationSelection{opt.quantize.calib, *prepared.selection};

  const auto start = std::chrono::steady_clock::now();
  passes::PassManagerOptions manager = dump_options(opt, output.path);
  // Right after pruning: what it did, and the pruned float model the report compares too.
  std::unique_ptr<ir::Graph> pruned_float;
  manager.after_pass = [&, dump = manager.after_pass](const std::string& pass, const ir::Graph& g) {
    dump(pass, g);
    if (pass != "prune" || !context.pruning) return;
    report.pruning = pruning_facts(*context.pruning, g);
    report.pruning->synthesized_rows = prepared.synthesized_rows;
    report.pruning->synthesis_seconds = prepared.data_free_seconds;
    for (const std::string& note : context.pruning->notes) report.warnings.push_back(note);
    if (eval && pipeline.quantizes) pruned_float = g.clone();
  };
  if (pipeline.prunes) spdlog::info("pipeline: {} (pruning measures each layer's sensitivity first)", pipeline.text);
  run_steps(*graph, pipeline.steps, manager, context, report);
  report.compress_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (opt.quantize.int8) report.quantization = quantization_facts(opt.quantize, pipeline, prepared);
  if (opt.quantize.data_free) report.warnings.push_back(pipeline.prunes ? kSynthesizedRowsCaveat : kDataFreeCaveat);
  if (eval) {
    if (pruned_float)
      report.pruning->pruned_float_metrics = evaluate(opt.report, *eval, *original, *pruned_float).evaluation.metrics;
    report.evaluation = evaluate(opt.report, *eval, *original, *graph);
    for (std::string& w : evaluation_warnings(opt.report, *report.evaluation)) report.warnings.push_back(std::move(w));
  }

  const std::optional<std::string> blob = write_output(*graph, opt.output, output);
  report.compressed = report::model_facts(*graph, output.path.string(), size_on_disk(output.path));
  if (blob) {
    const tflite_format::BlobMemory memory = tflite_format::blob_memory(*blob);
    report.compressed.blob_bytes = static_cast<int64_t>(memory.flash_bytes);
    report.compressed.peak_ram_bytes = static_cast<int64_t>(memory.arena_head_bytes);
    report.compressed.ram_lower_bound_bytes = static_cast<int64_t>(memory.lower_bound_bytes);
    report.compressed.ram_bytes = static_cast<int64_t>(memory.ram_bytes());
  }
  const report::ModelFacts &before = report.original, &after = report.compressed;
  std::cout << "wrote " << output.path.string() << ": " << before.nodes << " -> " << after.nodes << " nodes, "
            << before.params << " -> " << after.params << " params, " << before.macs << " -> " << after.macs
            << " MACs, weights " << before.weight_bytes << " -> " << after.weight_bytes << " bytes\n";
  if (target) {
    target->flash_used = report.compressed.blob_bytes;
    target->ram_used = report.compressed.ram_bytes;
    report.target = std::move(target);
  }
  finish_report(opt.report, report);
}

}  // namespace

void add_compress_command(CLI::App& app) {
  auto opt = std::make_shared<CompressOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compress",
      "Fold a model, optionally prune (--prune) and quantize it to int8 (--int8), write it, and report the accuracy delta");
  cmd->add_option("model", opt->model,
                  "ONNX model file, or a .tflite file: a float one is compressed as an ONNX model is (rows may be "
                  "NHWC, as the file's input), an int8 one is re-packed with the same arithmetic")
      ->required();
  add_output_options(*cmd, opt->output);
  cmd->add_option("--passes", opt->pipeline,
                  "Pass pipeline instead of the default folding steps, e.g. \"fold_constants,fold_batchnorm\" or the "
                  "report's `pipeline` to replay a run (see `tinyc passes`); --prune and --int8 add their steps to it");
  cmd->add_option("--dump-after", opt->dump_after,
                  "Also write the graph after this pass as <output stem>.after_<pass>.onnx (repeatable)")
      ->allow_extra_args(false);
  add_load_options(*cmd, opt->load);
  add_threads_option(*cmd, opt->threads);
  add_prune_options(*cmd, opt->prune);
  add_quantize_options(*cmd, opt->quantize);
  add_report_options(*cmd, opt->report);
  cmd->callback([opt] { run_compress(*opt); });
}

}  // namespace tinyc::cli
