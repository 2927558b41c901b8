// GraphProto -> ir::Graph: the model's body (the ModelProto envelope is handled in import.cc).
#pragma once

#include <onnx/onnx_pb.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "formats/onnx/import.h"
#include "ir/graph.h"

namespace tinyc::onnx_format {

// Builds the graph: initializers as constants, the remaining inputs with resolved static shapes,
// nodes (sorted topologically), declared value types and the outputs. Name, opsets and versions
// are left to the caller. Throws InputError for anything a well-formed model cannot contain.
std::unique_ptr<ir::Graph> import_graph(const onnx::GraphProto& proto, const std::filesystem::path& base_dir,
                                        const ImportOptions& options, std::vector<std::string>& notices);

// "ai.onnx" and "" both name the default operator set; the IR spells it "".
std::string normalize_domain(const std::string& domain);

}  // namespace tinyc::onnx_format
