// .tflite FlatBuffer -> ir::Graph in tinyc's quantized form (docs/ir.md, "The quantized graph"): NCHW
// activations, ONNX op names, QuantParams on every int8 value, so tinyc's int8 executor runs what
// TensorFlow Lite Micro runs on the file.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace tinyc::tflite_format {

// How the imported graph meets the outside world.
struct ImportOptions {
  // true: docs/ir.md's form, float graph inputs and outputs with a QuantizeLinear after each int8
  // input and a DequantizeLinear before each int8 output (the emitter's --io-type int8 writes such a
  // graph back as this file). false: the file's own interface, int8 tensors are int8 graph inputs
  // and outputs with their QuantParams (what `tinyc run` feeds and writes).
  bool float_edges = true;
  // Largest tensor and graph accepted (--max-tensor-bytes); the graph keeps them for shape inference.
  ir::Limits limits;
};

// True when `bytes` carry the TFLite file identifier "TFL3" at bytes 4..7.
bool has_tflite_identifier(std::string_view bytes);
// Same for the first bytes of a file; false for a missing or short file.
bool is_tflite_file(const std::filesystem::path& path);

// The TFLite builtin ops the importer maps onto IR ops, sorted.
std::vector<std::string> imported_tflite_ops();

// Imports a model. The FlatBuffers verifier and the index checks run first; then InputError (one
// line) for: more than one subgraph, custom ops or ops without an import (all named at once, with
// imported_tflite_ops()), tensor types other than FLOAT32, INT8, INT32 and INT64, sparse or variable
// tensors, constant data outside the FlatBuffer, and anything tinyc's int8 executor cannot compute
// exactly as TFLite Micro does (naming the operator). A "hybrid" file's int8 weights on float
// activations are read as float32 weights, scale * (q - zero_point): the op becomes a float op.
//
// Mapping: rank-4 tensors are NHWC in the file and NCHW in the graph (other ranks keep their shape);
// values keep the file's tensor names (a nameless tensor is "tensor_<index>"); CONV_2D and
// DEPTHWISE_CONV_2D become Conv (weights OIHW; depthwise: group = input channels), FULLY_CONNECTED a
// Gemm with transB = 1, SAME/VALID explicit pads, fused activations the IR's activation_min/max; the
// graph ran shape inference and verify().
std::unique_ptr<ir::Graph> import_tflite_bytes(std::string_view bytes, const ImportOptions& options = {});

// Same, from a file (InputError for a missing or unreadable one).
std::unique_ptr<ir::Graph> import_tflite_file(const std::filesystem::path& path, const ImportOptions& options = {});

}  // namespace tinyc::tflite_format
