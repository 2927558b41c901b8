// Quantized ir::Graph (docs/ir.md, "The quantized graph") -> .tflite bytes that TensorFlow Lite
// Micro runs with its builtin int8 kernels.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::tflite_format {

// The element type of the model's inputs and outputs on the device.
enum class IoType {
  Int8,     // the int8 tensors are the interface; the edge QuantizeLinear/DequantizeLinear are dropped
  Float32,  // the float tensors are the interface; the edges become QUANTIZE / DEQUANTIZE ops
};

// What the caller (the CLI's --io-type, --keep-names, --full-quant-params, --no-memory-plan) chooses about the file.
struct EmitOptions {
  IoType io_type = IoType::Int8;
  // Keeps every tensor's name and the model's description ("tinyc <version>"); by default only the
  // model's inputs and outputs are named.
  bool keep_names = false;
  // Writes every quantization parameter the TFLite converter writes: the int32 biases' per-channel
  // scales and one zero point per channel. TFLite Micro reads neither (a per-tensor FULLY_CONNECTED
  // bias scale, which it checks, is always written); other TFLite consumers (Arm NN) need both.
  bool full_quant_params = false;
  // Stores tinyc's arena plan as TFLM's OfflineMemoryAllocation metadata.
  bool memory_plan = true;
};

// "int8" or "float32" (the --io-type values); InputError naming the accepted values otherwise.
IoType parse_io_type(const std::string& text);

// The model as .tflite bytes: schema version 3, one subgraph, NHWC activations (a rank-4 input or
// output of the graph is NHWC in the file), builtin int8 ops with the versions TFLite Micro expects,
// operators in the order that needs the least activation memory, buffer 0 empty, identical constant
// data stored once and 4-byte aligned, one zero point where all are equal, and (memory_plan) the
// arena plan as "OfflineMemoryAllocation" metadata. Nothing else: no names but the interface's
// (keep_names), no bias scales TFLM does not read (full_quant_params). The same graph and options give the
// same bytes.
// Throws InputError listing every node that has no TFLite int8 form, or naming the node whose
// attributes TFLite cannot express (e.g. a clamp no fused activation matches exactly).
std::string emit_tflite_bytes(const ir::Graph& g, const EmitOptions& options = {});

// Writes emit_tflite_bytes() atomically (temp file + rename).
void emit_tflite_file(const ir::Graph& g, const std::filesystem::path& path, const EmitOptions& options = {});

// Every IR op type the emitter writes as a TFLite builtin, sorted (for error messages and `tinyc ops`).
std::vector<std::string> lowered_op_types();

}  // namespace tinyc::tflite_format
