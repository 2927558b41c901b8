// `tinyc compress model.onnx ...`: runs a pass pipeline and writes the compressed model.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "formats/onnx/export.h"
#include "model_loading.h"
#include "passes/default_pipelines.h"
#include "passes/pass_manager.h"
#include "report/model_stats.h"

namespace tinyc::cli {

namespace {

struct CompressOptions {
  std::string model;
  std::string output;
  std::string format = "onnx";
  std::string pipeline;
  std::vector<std::string> dump_after;
  std::vector<std::string> input_shapes;
};

std::filesystem::path default_output(const CompressOptions& opt) {
  return std::filesystem::path(opt.model).stem().string() + ".tinyc.onnx";
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

void run_compress(const CompressOptions& opt) {
  const std::filesystem::path output = opt.output.empty() ? default_output(opt) : std::filesystem::path(opt.output);
  const auto steps = passes::parse_pipeline(opt.pipeline.empty() ? passes::default_folding_pipeline() : opt.pipeline);
  auto graph = import_onnx_model(opt.model, opt.input_shapes);
  prepare_for_execution(*graph);
  const report::ModelStats before = report::compute_model_stats(*graph);
  const size_t nodes_before = graph->node_count();

  for (const passes::PassSummary& s : passes::run_pipeline(*graph, steps, dump_options(opt, output)))
    spdlog::debug("{}", passes::describe(s));

  const report::ModelStats after = report::compute_model_stats(*graph);
  onnx_format::export_model_file(*graph, output);
  std::cout << "wrote " << output.string() << ": " << nodes_before << " -> " << graph->node_count() << " nodes, "
            << before.params << " -> " << after.params << " params, " << before.macs << " -> " << after.macs
            << " MACs\n";
}

}  // namespace

void add_compress_command(CLI::App& app) {
  auto opt = std::make_shared<CompressOptions>();
  CLI::App* cmd = app.add_subcommand("compress", "Fold and compress a model, then write it");
  cmd->add_option("model", opt->model, "ONNX model file")->required();
  cmd->add_option("-o,--output", opt->output, "Output file (default: <model stem>.tinyc.onnx in the current folder)");
  cmd->add_option("--format", opt->format, "Output format")->check(CLI::IsMember({"onnx"}))->capture_default_str();
  cmd->add_option("--passes", opt->pipeline,
                  "Pass pipeline instead of the default, e.g. \"fold_constants,fold_batchnorm\" (see `tinyc passes`)");
  cmd->add_option("--dump-after", opt->dump_after,
                  "Also write the graph after this pass as <output stem>.after_<pass>.onnx (repeatable)");
  cmd->add_option("--input-shape", opt->input_shapes,
                  "Fix a dynamic input shape, e.g. --input-shape input:1x3x32x32 (repeatable)");
  cmd->callback([opt] { run_compress(*opt); });
}

}  // namespace tinyc::cli
