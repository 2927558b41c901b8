// Quantized ir::Graph (docs/ir.md, "The quantized graph") -> .tflite bytes that TensorFlow Lite
// Micro runs with its builtin int8 kernels.
#pragma once

#include <filesystem>
#include <string>

#include "ir/graph.h"

namespace tinyc::tflite_format {

// The element type of the model's inputs and outputs on the device.
enum class IoType {
  Int8,     // the int8 tensors are the interface; the edge QuantizeLinear/DequantizeLinear are dropped
  Float32,  // the float tensors are the interface; the edges become QUANTIZE / DEQUANTIZE ops
};

// What the caller (the CLI's --io-type, --strip-names) chooses about the file.
struct EmitOptions {
  IoType io_type = IoType::Int8;
  // Leaves tensor names out (all but the model's inputs and outputs) to save flash.
  bool strip_names = false;
};

// "int8" or "float32" (the --io-type values); InputError naming the accepted values otherwise.
IoType parse_io_type(const std::string& text);

// The model as .tflite bytes: schema version 3, one subgraph, NHWC activations (a rank-4 input or
// output of the graph is NHWC in the file), builtin int8 ops with the versions TFLite Micro expects,
// buffer 0 empty, identical constant data stored once and 16-byte aligned, and a "tinyc_version"
// metadata entry. The same graph and options give the same bytes.
// Throws InputError listing every node that has no TFLite int8 form, or naming the node whose
// attributes TFLite cannot express (e.g. a clamp no fused activation matches exactly).
std::string emit_tflite_bytes(const ir::Graph& g, const EmitOptions& options = {});

// Writes emit_tflite_bytes() atomically (temp file + rename).
void emit_tflite_file(const ir::Graph& g, const std::filesystem::path& path, const EmitOptions& options = {});

}  // namespace tinyc::tflite_format
