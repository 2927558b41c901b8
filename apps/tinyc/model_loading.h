// Loading a user's model (ONNX, or .tflite for compress), and fitting user rows to its inputs.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::cli {

// How every command that reads a model reads it: --input-shape and --max-tensor-bytes.
struct LoadOptions {
  std::vector<std::string> input_shapes;  // "name:1x3x32x32"
  int64_t max_tensor_bytes = ir::Limits::kDefaultMaxTensorBytes;

  ir::Limits limits() const;
};
void add_load_options(CLI::App& cmd, LoadOptions& opt);

// --threads N: worker threads of the executors (calibration, pruning, evaluation, run); 0 = one per
// core. Results are the same for every N.
void add_threads_option(CLI::App& cmd, int& threads);

// Imports an ONNX file under `load`'s shapes and limits. Logs notices.
std::unique_ptr<ir::Graph> import_onnx_model(const std::string& path, const LoadOptions& load);

// Throws InputError listing every unsupported op; otherwise infers shapes and verifies.
void prepare_for_execution(ir::Graph& g);

// Imports a .tflite file as compress works on it: float graph inputs and outputs (an int8 file gets a
// QuantizeLinear after each input and a DequantizeLinear before each output), NCHW activations.
// InputError when --input-shape was given: a .tflite file fixes its shapes.
// `float_edges` false keeps the file's own int8 or float interface (what `tinyc run` feeds).
std::unique_ptr<ir::Graph> import_tflite_model(const std::string& path, const LoadOptions& load,
                                               bool float_edges = true);

// What compress needs to know about a .tflite file before importing it.
struct TfliteFacts {
  bool int8 = false;                // some activation is int8: the model is already quantized
  std::string io_type = "float32";  // "float32" when its inputs are float32, else "int8"
};
TfliteFacts read_tflite_facts(const std::string& path);

// Rows of `data` for graph input `input` (exec::as_input_rows); for a model imported from a .tflite
// file (`file_layout`), rank-4 rows may also come in the file's NHWC layout. InputError naming
// `source` when it holds no rows.
ir::Tensor model_input_rows(const ir::Value& input, ir::Tensor data, const std::string& source, bool file_layout);

}  // namespace tinyc::cli
