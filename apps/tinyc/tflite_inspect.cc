// Renders formats/tflite's TfliteSummary for people (aligned tables) and for tools (JSON).
#include "tflite_inspect.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "formats/tflite/blob_memory.h"
#include "formats/tflite/read.h"
#include "io/file_bytes.h"
#include "io/json_text.h"
#include "report/text_format.h"

namespace tinyc::cli {

namespace {

using tflite_format::BlobMemory;
using tflite_format::TensorSummary;
using tflite_format::TfliteSummary;

std::string dims(const std::vector<int32_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

std::string quantization(const TensorSummary& t) {
  if (t.scale.empty()) return "-";
  std::ostringstream os;
  if (t.scale.size() == 1) {
    os << "scale " << t.scale[0] << " zp " << (t.zero_point.empty() ? 0 : t.zero_point[0]);
  } else {
    os << t.scale.size() << " scales along dim " << t.quantized_dimension;
  }
  return os.str();
}

std::string tensor_label(const TfliteSummary& s, int32_t index) {
  if (index < 0) return "-";
  const std::string name = report::printable(s.tensors[static_cast<size_t>(index)].name);
  return name.empty() ? "#" + std::to_string(index) : name;
}

std::string pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

std::string to_text(const std::string& path, const TfliteSummary& s, const std::optional<BlobMemory>& memory) {
  std::ostringstream os;
  os << "model: " << path << " (" << s.file_bytes << " bytes, " << s.constant_bytes << " bytes of constants in "
     << s.buffer_count << " buffers, " << s.quantization_bytes << " bytes of quantization parameters, schema v"
     << s.schema_version << ")\n";
  if (memory) {
    const BlobMemory& m = *memory;
    os << "TFLite Micro activation arena: " << m.arena_head_bytes << " bytes ("
       << (m.has_offline_plan ? "the file's plan" : "TFLM's own planner") << "); tinyc's plan " << m.planned_head_bytes
       << " bytes, lower bound " << m.lower_bound_bytes << " bytes (reference kernels)\n";
    os << "RAM on a 32-bit MCU: " << m.ram_bytes() << " bytes (activation arena, or the " << m.setup_bytes_mcu
       << " bytes TFLM's setup puts there first when larger, + about " << m.persistent_bytes_mcu
       << " bytes TFLM keeps for itself, estimated)\n";
  } else {
    os << "TFLite Micro arena: not planned (" << s.subgraph_count << " subgraphs; tinyc plans one)\n";
  }
  if (!s.description.empty()) os << "description: " << s.description << "\n";
  for (const auto& [name, value] : s.metadata) os << "metadata: " << name << " = " << value << "\n";
  for (int32_t i : s.inputs) {
    const TensorSummary& t = s.tensors[static_cast<size_t>(i)];
    os << "input:  " << tensor_label(s, i) << " " << t.type << " " << dims(t.shape) << " " << quantization(t) << "\n";
  }
  for (int32_t i : s.outputs) {
    const TensorSummary& t = s.tensors[static_cast<size_t>(i)];
    os << "output: " << tensor_label(s, i) << " " << t.type << " " << dims(t.shape) << " " << quantization(t) << "\n";
  }
  size_t op_w = 18;
  for (const auto& op : s.operators) op_w = std::max(op_w, op.op.size());
  os << "\n#    " << pad("op", op_w + 2) << "ver  inputs -> outputs\n";
  for (size_t i = 0; i < s.operators.size(); ++i) {
    const auto& op = s.operators[i];
    std::string io;
    for (size_t k = 0; k < op.inputs.size(); ++k) io += (k ? ", " : "") + tensor_label(s, op.inputs[k]);
    io += " -> ";
    for (size_t k = 0; k < op.outputs.size(); ++k) io += (k ? ", " : "") + tensor_label(s, op.outputs[k]);
    os << pad(std::to_string(i), 5) << pad(op.op, op_w + 2) << pad(std::to_string(op.version), 5) << io << "\n";
  }
  size_t name_w = 4;
  for (size_t i = 0; i < s.tensors.size(); ++i) name_w = std::max(name_w, tensor_label(s, static_cast<int32_t>(i)).size());
  os << "\n#    " << pad("name", name_w + 2) << pad("type", 9) << pad("shape", 16) << pad("bytes", 9) << "quantization\n";
  for (size_t i = 0; i < s.tensors.size(); ++i) {
    const TensorSummary& t = s.tensors[i];
    os << pad(std::to_string(i), 5) << pad(tensor_label(s, static_cast<int32_t>(i)), name_w + 2) << pad(t.type, 9)
       << pad(dims(t.shape), 16) << pad(std::to_string(t.data_bytes), 9) << quantization(t) << "\n";
  }
  return os.str();
}

nlohmann::json to_json(const std::string& path, const TfliteSummary& s, const std::optional<BlobMemory>& memory) {
  nlohmann::json j;
  j["model"] = path;
  j["file_bytes"] = s.file_bytes;
  j["subgraphs"] = s.subgraph_count;
  j["memory"] = nullptr;  // several subgraphs: not planned
  if (memory)
    j["memory"] = {{"arena_head_bytes", memory->arena_head_bytes},
                   {"has_offline_plan", memory->has_offline_plan},
                   {"planned_head_bytes", memory->planned_head_bytes},
                   {"lower_bound_bytes", memory->lower_bound_bytes},
                   {"persistent_bytes_mcu_estimate", memory->persistent_bytes_mcu},
                   {"setup_bytes_mcu", memory->setup_bytes_mcu},
                   {"ram_bytes_mcu", memory->ram_bytes()},
                   {"ram_bytes_host", memory->ram_bytes_host()}};
  j["constant_bytes"] = s.constant_bytes;
  j["quantization_bytes"] = s.quantization_bytes;
  j["buffers"] = s.buffer_count;
  j["schema_version"] = s.schema_version;
  j["description"] = s.description;
  j["metadata"] = nlohmann::json::object();
  for (const auto& [name, value] : s.metadata) j["metadata"][name] = value;
  j["inputs"] = s.inputs;
  j["outputs"] = s.outputs;
  j["operators"] = nlohmann::json::array();
  for (const auto& op : s.operators)
    j["operators"].push_back({{"op", op.op}, {"builtin_code", op.builtin_code}, {"version", op.version},
                              {"inputs", op.inputs}, {"outputs", op.outputs}});
  j["tensors"] = nlohmann::json::array();
  for (const auto& t : s.tensors)
    j["tensors"].push_back({{"name", t.name}, {"type", t.type}, {"shape", t.shape}, {"scale", t.scale},
                            {"zero_point", t.zero_point}, {"quantized_dimension", t.quantized_dimension},
                            {"buffer", t.buffer}, {"bytes", t.data_bytes}});
  return j;
}

}  // namespace

void inspect_tflite(const std::string& path, bool json) {
  const std::string bytes = io::read_file_bytes(path, "model file");
  const TfliteSummary summary = tflite_format::read_tflite_bytes(bytes);
  // tinyc plans the arena of single-subgraph models (what TFLM runs without control flow).
  const std::optional<BlobMemory> memory =
      summary.subgraph_count == 1 ? std::optional(tflite_format::blob_memory(bytes)) : std::nullopt;
  if (json)
    std::cout << io::json_text(to_json(path, summary, memory)) << "\n";
  else
    std::cout << to_text(path, summary, memory);
}

}  // namespace tinyc::cli
