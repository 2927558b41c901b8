// `tinyc run MODEL --input x.npy [--output y.npy] [--batch N]`: inference over every row. An ONNX
// model runs as float; a .tflite file (recognized by its "TFL3" identifier) is imported with its own
// interface and runs on the int8 executor, TFLite Micro's integer arithmetic.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "commands.h"
#include "exec/executor.h"
#include "formats/tflite/import.h"
#include "formats/tflite/run_rows.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "model_loading.h"
#include "output_folder.h"
#include "progress.h"

namespace tinyc::cli {

namespace {

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;  // "x.npy" for a one-input model, else "name=x.npy"
  std::string output;
  int64_t batch = 32;
  LoadOptions load;
  int threads = 0;
  bool dequantize = false;
};

// The data file for each graph input, in graph-input order.
std::vector<std::string> input_files(const ir::Graph& g, const std::vector<std::string>& specs) {
  if (g.inputs().size() == 1 && specs.size() == 1 && specs[0].find('=') == std::string::npos) return specs;
  std::vector<std::string> files(g.inputs().size());
  for (const std::string& spec : specs) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos)
      throw InputError("the model has " + std::to_string(g.inputs().size()) +
                       " inputs; give each as --input name=file.npy");
    const std::string name = spec.substr(0, eq);
    size_t i = 0;
    while (i < g.inputs().size() && g.inputs()[i]->name != name) ++i;
    if (i == g.inputs().size()) throw InputError("--input " + spec + ": the model has no input named '" + name + "'");
    files[i] = spec.substr(eq + 1);
  }
  for (size_t i = 0; i < files.size(); ++i)
    if (files[i].empty()) throw InputError("no --input given for model input '" + g.inputs()[i]->name + "'");
  return files;
}

void write_outputs(const ir::Graph& g, const std::vector<ir::Tensor>& outputs, const std::string& path) {
  if (outputs.size() == 1) {
    io::write_npy(path, outputs[0]);
    return;
  }
  if (path.size() < 4 || path.substr(path.size() - 4) != ".npz")
    throw InputError("the model has " + std::to_string(outputs.size()) + " outputs; name an .npz file with --output");
  std::map<std::string, ir::Tensor> arrays;
  for (size_t i = 0; i < outputs.size(); ++i) arrays.emplace(g.outputs()[i]->name, outputs[i]);
  io::write_npz(path, arrays);
}

std::unique_ptr<ir::Graph> load_model(const RunOptions& opt, bool tflite) {
  if (!tflite) {
    if (opt.dequantize) throw InputError("--dequantize applies to .tflite models with int8 outputs");
    auto graph = import_onnx_model(opt.model, opt.load);
    prepare_for_execution(*graph);
    return graph;
  }
  return import_tflite_model(opt.model, opt.load, false);  // feed and write the file's own int8 or float tensors
}

std::vector<ir::Tensor> run_rows(const ir::Graph& graph, const std::vector<ir::Tensor>& data, int64_t batch,
                                 int threads) {
  const int64_t rows = data[0].shape()[0];
  exec::Executor executor(graph, {threads, batch});
  ProgressLine progress("run", rows);
  const int64_t chunk = std::max<int64_t>(256, batch * 8);
  std::vector<std::vector<ir::Tensor>> parts(graph.outputs().size());
  for (int64_t begin = 0; begin < rows; begin += chunk) {
    const int64_t end = std::min(rows, begin + chunk);
    std::vector<ir::Tensor> slice;
    for (const ir::Tensor& d : data) slice.push_back(ir::slice_rows(d, begin, end));
    std::vector<ir::Tensor> out = executor.run(slice);
    for (size_t i = 0; i < out.size(); ++i) parts[i].push_back(std::move(out[i]));
    progress.update(end);
  }
  std::vector<ir::Tensor> outputs;
  for (const auto& p : parts) outputs.push_back(ir::concat_rows(p));
  return outputs;
}

void run_model(const RunOptions& opt) {
  if (opt.batch < 1) throw InputError("--batch must be at least 1 (got " + std::to_string(opt.batch) + ")");
  const bool tflite = tflite_format::is_tflite_file(opt.model);
  const auto graph = load_model(opt, tflite);
  const std::vector<std::string> files = input_files(*graph, opt.inputs);
  std::vector<NamedPath> inputs{{"model", opt.model}};
  for (const std::string& f : files) inputs.push_back({"--input", f});
  check_outputs_apart({{"-o", opt.output}}, inputs);
  check_output_folder(opt.output, "-o");
  std::vector<ir::Tensor> data;
  for (size_t i = 0; i < files.size(); ++i) {
    const ir::Value& input = *graph->inputs()[i];
    data.push_back(model_input_rows(input, io::read_npy(files[i]), files[i], tflite));
  }
  const int64_t rows = data[0].shape()[0];
  for (size_t i = 1; i < data.size(); ++i)
    if (data[i].shape()[0] != rows)
      throw InputError(files[i] + " has " + std::to_string(data[i].shape()[0]) + " rows but " + files[0] + " has " +
                       std::to_string(rows));

  std::vector<ir::Tensor> outputs = run_rows(*graph, data, opt.batch, opt.threads);
  if (tflite)
    for (size_t i = 0; i < outputs.size(); ++i)
      outputs[i] = tflite_format::tflite_output_rows(*graph->outputs()[i], outputs[i], opt.dequantize);
  if (!opt.output.empty()) write_outputs(*graph, outputs, opt.output);
  std::cout << "ran " << rows << " rows through " << opt.model;
  for (size_t i = 0; i < outputs.size(); ++i)
    std::cout << (i ? ", " : ": ") << graph->outputs()[i]->name << " " << ir::shape_to_string(outputs[i].shape())
              << (tflite ? " " + std::string(ir::dtype_name(outputs[i].dtype())) : "");
  std::cout << (opt.output.empty() ? "" : " -> " + opt.output) << "\n";
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a model on every row of an .npy file: an ONNX model in float, a .tflite file on the int8 executor");
  cmd->footer(
      "A .tflite file (recognized by its \"TFL3\" identifier, whatever its name) is imported and run on\n"
      "tinyc's executor: its int8 ops compute what TensorFlow Lite Micro's kernels compute, bit for bit\n"
      "(float32 ops run on the float kernels). Ops without an exact int8 form are refused, all named.\n"
      "Its inputs take:\n"
      "  - for an int8 input: int8 rows, fed unchanged, or float32/float64 rows, quantized as TFLite's\n"
      "    QUANTIZE does (x / scale rounded half away from zero, plus the zero point, clamped);\n"
      "  - for a float32 input: float32/float64 rows;\n"
      "  - for a rank-4 input: NCHW rows [N, C, H, W] (tinyc's convention) or NHWC rows [N, H, W, C] (the\n"
      "    file's layout); a shape that fits both (C = H = W) is read as NCHW; for C = 1 they coincide.\n"
      "Outputs are written in the output tensor's type (int8 stays int8, see --dequantize) and shape,\n"
      "rank-4 outputs in the file's NHWC order.");
  cmd->add_option("model", opt->model, "ONNX model file, or a .tflite file")->required();
  cmd->add_option("-i,--input", opt->inputs,
                  "Input data .npy, rows along dim 0 (repeat as name=file.npy for several inputs)")
      ->required()
      ->allow_extra_args(false);
  cmd->add_option("-o,--output", opt->output, "Write the outputs here (.npy; .npz for several outputs)");
  cmd->add_option("--batch", opt->batch, "Rows evaluated together in one executor step")->capture_default_str();
  add_load_options(*cmd, opt->load);
  add_threads_option(*cmd, opt->threads);
  cmd->add_flag("--dequantize", opt->dequantize,
                ".tflite: write int8 outputs as float32, scale * (q - zero_point)");
  cmd->callback([opt] { run_model(*opt); });
}

}  // namespace tinyc::cli
