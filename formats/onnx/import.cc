// The ModelProto envelope: file reading, parse checks, versions and opsets; the body is import_graph.
#include "formats/onnx/import.h"

#include <onnx/onnx_pb.h>

#include <climits>

#include "formats/onnx/import_graph.h"
#include "formats/onnx/tensor_proto.h"
#include "io/file_bytes.h"
#include "ir/error.h"
#include "ir/verify.h"

namespace tinyc::onnx_format {

namespace fs = std::filesystem;

namespace {

// Relative external-data paths are resolved against the folder holding the file.
fs::path folder_of(const fs::path& file) { return file.has_parent_path() ? file.parent_path() : fs::path("."); }

onnx::ModelProto parse_model(std::string_view bytes, const std::string& name) {
  const std::string prefix = "cannot read model '" + name + "': ";
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    throw InputError(prefix + "it is larger than 2 GB; ONNX files that large must keep their weights as external data");
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw InputError(prefix + "file is truncated or not an ONNX model (protobuf parse failed)");
  // A few stray bytes can parse as an almost empty message; a real model has all three.
  if (!model.has_graph()) throw InputError(prefix + "not an ONNX model (it has no graph)");
  if (model.opset_import_size() == 0) throw InputError(prefix + "not an ONNX model (it imports no operator set)");
  if (model.ir_version() == 0) throw InputError(prefix + "not an ONNX model (it has no IR version)");
  return model;
}

ImportResult import_model(std::string_view bytes, const fs::path& base_dir, const std::string& name,
                          const ImportOptions& options) {
  const onnx::ModelProto model = parse_model(bytes, name);
  ImportResult result;
  result.graph = import_graph(model.graph(), base_dir, options, result.notices);
  ir::Graph& g = *result.graph;
  g.name = model.graph().name();
  g.ir_version = model.ir_version();
  g.producer_name = model.producer_name();
  for (const onnx::OperatorSetIdProto& opset : model.opset_import()) {
    if (!g.opset_imports.emplace(normalize_domain(opset.domain()), opset.version()).second)
      throw InputError("cannot read model '" + name + "': it imports the operator set of domain '" + opset.domain() +
                       "' twice");
  }
  ir::verify_or_throw(g, "after importing '" + name + "'");
  return result;
}

}  // namespace

ImportResult import_model_file(const fs::path& path, const ImportOptions& options) {
  const std::string bytes = io::read_file_bytes(path, "model file");
  return import_model(bytes, folder_of(path), path.string(), options);
}

ImportResult import_model_bytes(std::string_view bytes, const fs::path& base_dir, const ImportOptions& options) {
  return import_model(bytes, base_dir, "(in memory)", options);
}

ir::Tensor read_tensor_file(const fs::path& path) {
  const std::string bytes = io::read_file_bytes(path, "tensor file");
  const std::string prefix = "cannot read tensor file '" + path.string() + "': ";
  onnx::TensorProto proto;
  if (bytes.size() > static_cast<size_t>(INT_MAX) || !proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    throw InputError(prefix + "file is truncated or not a serialized ONNX TensorProto");
  if (proto.data_type() == onnx::TensorProto::UNDEFINED)
    throw InputError(prefix + "not a serialized ONNX TensorProto (it has no element type)");
  return tensor_from_proto(proto, "tensor '" + proto.name() + "' in '" + path.string() + "'", folder_of(path));
}

}  // namespace tinyc::onnx_format
