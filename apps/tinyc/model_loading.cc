// Import + notices + support check + shape inference, shared by every subcommand that reads a model.
#include "model_loading.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "exec/input_data.h"
#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "formats/tflite/import.h"
#include "formats/tflite/read.h"
#include "formats/tflite/run_rows.h"
#include "ir/error.h"
#include "ir/verify.h"

namespace tinyc::cli {

ir::Limits LoadOptions::limits() const {
  if (max_tensor_bytes < 1)
    throw InputError("--max-tensor-bytes must be at least 1 (got " + std::to_string(max_tensor_bytes) + ")");
  ir::Limits limits;
  limits.max_tensor_bytes = max_tensor_bytes;
  return limits;
}

void add_load_options(CLI::App& cmd, LoadOptions& opt) {
  cmd.add_option("--input-shape", opt.input_shapes,
                 "Fix a dynamic input shape, e.g. --input-shape input:1x3x32x32 (repeatable)")
      ->allow_extra_args(false);
  cmd.add_option("--max-tensor-bytes", opt.max_tensor_bytes,
                 "Refuse a model with a tensor (weight, input or activation) larger than this many bytes, before "
                 "allocating it")
      ->capture_default_str();
}

void add_threads_option(CLI::App& cmd, int& threads) {
  cmd.add_option_function<int>(
         "--threads",
         [&threads](const int& n) {
           if (n < 0) throw InputError("--threads must be 0 (one per core) or more (got " + std::to_string(n) + ")");
           threads = n;
         },
         "Worker threads (default 0: one per core); the results are the same for any number");
}

std::unique_ptr<ir::Graph> import_onnx_model(const std::string& path, const LoadOptions& load) {
  onnx_format::ImportOptions options;
  options.limits = load.limits();
  for (const auto& spec : load.input_shapes) options.input_shapes.insert(onnx_format::parse_input_shape(spec));
  onnx_format::ImportResult imported = onnx_format::import_model_file(path, options);
  for (const auto& notice : imported.notices) spdlog::info("{}", notice);
  return std::move(imported.graph);
}

void prepare_for_execution(ir::Graph& g) {
  exec::check_supported(g);
  exec::infer_shapes(g);
  ir::verify_or_throw(g, "after shape inference");
}

std::unique_ptr<ir::Graph> import_tflite_model(const std::string& path, const LoadOptions& load, bool float_edges) {
  if (!load.input_shapes.empty())
    throw InputError("--input-shape applies to ONNX models; a .tflite file fixes its shapes");
  tflite_format::ImportOptions options;
  options.float_edges = float_edges;
  options.limits = load.limits();
  return tflite_format::import_tflite_file(path, options);
}

TfliteFacts read_tflite_facts(const std::string& path) {
  const tflite_format::TfliteSummary summary = tflite_format::read_tflite_file(path);
  TfliteFacts facts;
  // int8 activations; a "hybrid" file has int8 weights only and is a float model.
  facts.int8 = std::any_of(summary.tensors.begin(), summary.tensors.end(), [](const tflite_format::TensorSummary& t) {
    return t.type == "INT8" && t.data_bytes == 0;
  });
  const bool float_inputs = !summary.inputs.empty() &&
                            summary.tensors[static_cast<size_t>(summary.inputs.front())].type == "FLOAT32";
  facts.io_type = float_inputs ? "float32" : "int8";
  return facts;
}

ir::Tensor model_input_rows(const ir::Value& input, ir::Tensor data, const std::string& source, bool file_layout) {
  ir::Tensor rows = file_layout ? tflite_format::tflite_input_rows(input, std::move(data), source)
                                : exec::as_input_rows(input, std::move(data), source);
  if (rows.shape()[0] == 0) throw InputError(source + " holds no rows; give at least one row");
  return rows;
}

}  // namespace tinyc::cli
