// Loading a user's model: import with notices, then op-support check and shape inference.
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

}  // namespace tinyc::cli
