// ir::Graph -> ONNX ModelProto bytes for float graphs (quantized graphs: export_qdq.h).
#pragma once

#include <filesystem>
#include <string>

#include "ir/graph.h"

namespace tinyc::onnx_format {

// Serialized ModelProto: initializers for constants, value_info for every typed value,
// opset imports and ir_version as the graph carries them. Deterministic bytes.
std::string export_model_bytes(const ir::Graph& g);

// Writes export_model_bytes() atomically (temp file + rename).
void export_model_file(const ir::Graph& g, const std::filesystem::path& path);

}  // namespace tinyc::onnx_format
