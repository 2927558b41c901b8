// Loading a user's model (ONNX, or .tflite for compress), and fitting user rows to its inputs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::cli {

// Imports an ONNX file; `input_shapes` are --input-shape values ("name:1x3x32x32"). Logs notices.
std::unique_ptr<ir::Graph> import_onnx_model(const std::string& path, const std::vector<std::string>& input_shapes);

// Throws InputError listing every unsupported op; otherwise infers shapes and verifies.
void prepare_for_execution(ir::Graph& g);

// Imports a .tflite file as compress works on it: float graph inputs and outputs (an int8 file gets a
// QuantizeLinear after each input and a DequantizeLinear before each output), NCHW activations.
std::unique_ptr<ir::Graph> import_tflite_model(const std::string& path);

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
