// ONNX ModelProto -> ir::Graph. The only place (with export) that sees ONNX/protobuf types.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace tinyc::onnx_format {

struct ImportOptions {
  // --input-shape name:1x3x32x32 overrides, by graph input name.
  std::map<std::string, ir::Shape> input_shapes;
  // Largest tensor and graph accepted (--max-tensor-bytes); the graph keeps them for shape inference.
  ir::Limits limits;
};

// The graph plus what the user should be told (e.g. "input 'x': dim 'N' set to 1").
struct ImportResult {
  std::unique_ptr<ir::Graph> graph;
  std::vector<std::string> notices;
};

// Reads and converts a model file; external-data tensors are resolved relative to its folder.
// Throws InputError (one line naming the problem and the fix) for a missing, unreadable,
// non-ONNX or truncated file, escaping external-data paths, negative or overflowing dims,
// unresolvable dynamic dims, and attribute kinds tinyc cannot hold (graphs).
ImportResult import_model_file(const std::filesystem::path& path, const ImportOptions& options = {});

// Same, from serialized bytes; `base_dir` resolves external data.
ImportResult import_model_bytes(std::string_view bytes, const std::filesystem::path& base_dir,
                                const ImportOptions& options = {});

// Reads a serialized TensorProto file (ONNX backend test data: input_0.pb, output_0.pb).
ir::Tensor read_tensor_file(const std::filesystem::path& path);

// Parses "name:1x3x32x32" (the --input-shape syntax); throws InputError when malformed.
std::pair<std::string, ir::Shape> parse_input_shape(const std::string& spec);

}  // namespace tinyc::onnx_format
