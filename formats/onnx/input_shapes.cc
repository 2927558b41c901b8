// Symbolic-dim resolution for graph inputs and the --input-shape syntax (name:1x3x32x32).
#include "formats/onnx/input_shapes.h"

#include <charconv>

#include "ir/error.h"

namespace tinyc::onnx_format {

namespace {

using Dim = onnx::TensorShapeProto_Dimension;

constexpr const char* kSyntax = "name:1x3x32x32";

std::string dim_text(const Dim& d) {
  if (d.has_dim_value()) return std::to_string(d.dim_value());
  return d.dim_param().empty() ? "?" : d.dim_param();
}

// The shape as the model declares it, e.g. "Nx3xheightxwidth".
std::string declared_text(const onnx::TensorShapeProto& s) {
  if (s.dim_size() == 0) return "scalar";
  std::string out;
  for (int i = 0; i < s.dim_size(); ++i) out += (i ? "x" : "") + dim_text(s.dim(i));
  return out;
}

// An --input-shape value to start from: the model's numbers, 1 for the batch, placeholders elsewhere.
std::string suggestion(const std::string& name, const onnx::TensorShapeProto& s) {
  std::string out = name + ":";
  for (int i = 0; i < s.dim_size(); ++i) {
    const Dim& d = s.dim(i);
    std::string text;
    if (d.has_dim_value())
      text = std::to_string(d.dim_value());
    else if (i == 0)
      text = "1";
    else
      text = "<" + (d.dim_param().empty() ? "dim" + std::to_string(i) : d.dim_param()) + ">";
    out += (i ? "x" : "") + text;
  }
  return out;
}

std::string dim_label(const Dim& d) { return d.dim_param().empty() ? "(unnamed)" : "('" + d.dim_param() + "')"; }

ir::Shape apply_override(const std::string& name, const onnx::TypeProto_Tensor& type, const ir::Shape& shape) {
  const std::string flag = "--input-shape " + name + ":" + ir::shape_to_string(shape);
  for (int64_t d : shape)
    if (d < 0) throw InputError(flag + " has a negative dim");
  if (!type.has_shape()) return shape;
  const onnx::TensorShapeProto& declared = type.shape();
  if (static_cast<int>(shape.size()) != declared.dim_size())
    throw InputError(flag + " has rank " + std::to_string(shape.size()) + ", but input '" + name + "' has rank " +
                     std::to_string(declared.dim_size()) + " (" + declared_text(declared) + ")");
  for (int i = 0; i < declared.dim_size(); ++i) {
    const Dim& d = declared.dim(i);
    if (d.has_dim_value() && d.dim_value() != shape[i])
      throw InputError(flag + " sets dim " + std::to_string(i) + " to " + std::to_string(shape[i]) +
                       ", but the model fixes it at " + std::to_string(d.dim_value()));
  }
  return shape;
}

}  // namespace

ir::Shape resolve_input_shape(const std::string& name, const onnx::TypeProto_Tensor& type,
                              const ImportOptions& options, std::vector<std::string>& notices) {
  if (auto it = options.input_shapes.find(name); it != options.input_shapes.end())
    return apply_override(name, type, it->second);
  if (!type.has_shape())
    throw InputError("input '" + name + "' has no declared shape; pass --input-shape " + name + ":<dims>, e.g. " +
                     name + ":1x3x32x32");
  const onnx::TensorShapeProto& declared = type.shape();
  ir::Shape shape;
  for (int i = 0; i < declared.dim_size(); ++i) {
    const Dim& d = declared.dim(i);
    if (d.has_dim_value()) {
      if (d.dim_value() < 0)
        throw InputError("input '" + name + "' has negative dim " + std::to_string(i) + " (" +
                         std::to_string(d.dim_value()) + "); the model is malformed");
      shape.push_back(d.dim_value());
    } else if (i == 0) {
      shape.push_back(1);
      notices.push_back("input '" + name + "': dynamic dim 0 " + dim_label(d) + " set to 1; use --input-shape to choose");
    } else {
      throw InputError("input '" + name + "' has dynamic dim " + std::to_string(i) + " " + dim_label(d) +
                       "; pass --input-shape " + suggestion(name, declared));
    }
  }
  return shape;
}

void check_overrides_name_inputs(const ImportOptions& options, const std::vector<std::string>& input_names) {
  for (const auto& [name, shape] : options.input_shapes) {
    bool found = false;
    for (const std::string& input : input_names) found = found || input == name;
    if (found) continue;
    std::string list;
    for (const std::string& input : input_names) list += (list.empty() ? "" : ", ") + input;
    throw InputError("--input-shape names '" + name + "', which is not an input of the model (inputs: " +
                     (list.empty() ? "none" : list) + ")");
  }
}

std::pair<std::string, ir::Shape> parse_input_shape(const std::string& spec) {
  const std::string quoted = "--input-shape '" + spec + "'";
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos) throw InputError(quoted + " must look like " + kSyntax);
  const std::string name = spec.substr(0, colon);
  const std::string dims = spec.substr(colon + 1);
  if (name.empty()) throw InputError(quoted + " has no input name before ':' (expected " + kSyntax + ")");
  if (dims.empty()) throw InputError(quoted + " has no dims after ':' (expected " + kSyntax + ")");
  ir::Shape shape;
  size_t start = 0;
  while (true) {
    const size_t end = std::min(dims.find('x', start), dims.size());
    const std::string token = dims.substr(start, end - start);
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (token.empty() || ec != std::errc() || ptr != token.data() + token.size() || value <= 0)
      throw InputError(quoted + ": dim '" + token + "' is not a positive integer (expected " + kSyntax + ")");
    shape.push_back(value);
    if (end == dims.size()) break;
    start = end + 1;
  }
  return {name, shape};
}

}  // namespace tinyc::onnx_format
