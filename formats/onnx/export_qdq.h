// The quantized graph (docs/ir.md, "The quantized graph (int8)") -> a QDQ ONNX model: float ops
// between QuantizeLinear / DequantizeLinear pairs, the form ONNX Runtime and other QDQ tools read.
#pragma once

#include <filesystem>
#include <string>

#include "ir/graph.h"

namespace tinyc::onnx_format {

// Serialized ModelProto that computes what the int8 graph computes, up to rounding:
// - an int8 activation v appears as <v>_float -> QuantizeLinear -> v (int8) -> DequantizeLinear
//   -> <v>_dequantized, which the float consumers read;
// - an int8 or int32 constant is an initializer read through a DequantizeLinear (with `axis`
//   when its parameters are per channel: conv/gemm weights and int32 biases);
// - the graph's own QuantizeLinear / DequantizeLinear edge nodes stay, their scale and zero
//   point written as initializers;
// - fused activations become Relu / Clip on the float side before the QuantizeLinear.
// Deterministic bytes. Throws InputError for a graph without quantization parameters and for
// opset < 13 (per-channel DequantizeLinear needs 13).
std::string export_qdq_model_bytes(const ir::Graph& g);

// Writes export_qdq_model_bytes() atomically (temp file + rename).
void export_qdq_model_file(const ir::Graph& g, const std::filesystem::path& path);

}  // namespace tinyc::onnx_format
