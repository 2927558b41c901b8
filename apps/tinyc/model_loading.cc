// Import + notices + support check + shape inference, shared by every subcommand that reads ONNX.
#include "model_loading.h"

#include <spdlog/spdlog.h>

#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "ir/verify.h"

namespace tinyc::cli {

std::unique_ptr<ir::Graph> import_onnx_model(const std::string& path, const std::vector<std::string>& input_shapes) {
  onnx_format::ImportOptions options;
  for (const auto& spec : input_shapes) options.input_shapes.insert(onnx_format::parse_input_shape(spec));
  onnx_format::ImportResult imported = onnx_format::import_model_file(path, options);
  for (const auto& notice : imported.notices) spdlog::info("{}", notice);
  return std::move(imported.graph);
}

void prepare_for_execution(ir::Graph& g) {
  exec::check_supported(g);
  exec::infer_shapes(g);
  ir::verify_or_throw(g, "after shape inference");
}

}  // namespace tinyc::cli
