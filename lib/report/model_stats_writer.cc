// Text table and JSON for model statistics.
#include "report/model_stats_writer.h"

#include <algorithm>
#include <sstream>

#include "report/text_format.h"

namespace tinyc::report {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string pad(const std::string& s, size_t width, bool right) {
  if (s.size() >= width) return s;
  const std::string fill(width - s.size(), ' ');
  return right ? fill + s : s + fill;
}

}  // namespace

std::string stats_to_text(const ModelSummary& summary, const ModelStats& stats) {
  std::ostringstream os;
  os << "model: " << summary.model_path << "\n";
  for (const auto& s : summary.inputs) os << "input:  " << printable(s) << "\n";
  for (const auto& s : summary.outputs) os << "output: " << printable(s) << "\n";
  if (!stats.layers.empty()) {
    size_t name_w = 4, op_w = 2, shape_w = 12;
    for (const auto& l : stats.layers) {
      name_w = std::max(name_w, printable(l.name).size());
      op_w = std::max(op_w, l.op.size());
      shape_w = std::max(shape_w, ir::shape_to_string(l.output_shape).size());
    }
    os << "\n"
       << pad("name", name_w, false) << "  " << pad("op", op_w, false) << "  " << pad("output shape", shape_w, false)
       << "  " << pad("params", 10, true) << "  " << pad("MACs", 12, true) << "\n";
    for (const auto& l : stats.layers)
      os << pad(printable(l.name), name_w, false) << "  " << pad(l.op, op_w, false) << "  "
         << pad(ir::shape_to_string(l.output_shape), shape_w, false) << "  " << pad(grouped(l.params), 10, true)
         << "  " << pad(grouped(l.macs), 12, true) << "\n";
    os << "\ntotals: params " << grouped(stats.params) << ", MACs " << grouped(stats.macs) << ", weights "
       << grouped(stats.weight_bytes_fp32) << " B fp32 / " << grouped(stats.weight_bytes_int8) << " B int8\n";
  }
  std::vector<std::string> ops;
  for (const auto& [op, count] : stats.op_histogram) ops.push_back(op + " " + std::to_string(count));
  os << "ops: " << join(ops) << "\n";
  if (!summary.unsupported_ops.empty()) os << "unsupported ops: " << join(summary.unsupported_ops) << "\n";
  return os.str();
}

nlohmann::json stats_to_json(const ModelSummary& summary, const ModelStats& stats) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : stats.layers)
    layers.push_back({{"name", l.name}, {"op", l.op}, {"output_shape", l.output_shape}, {"params", l.params},
                      {"macs", l.macs}});
  return {{"model", summary.model_path},
          {"inputs", summary.inputs},
          {"outputs", summary.outputs},
          {"layers", layers},
          {"totals",
           {{"params", stats.params},
            {"macs", stats.macs},
            {"weight_bytes_fp32", stats.weight_bytes_fp32},
            {"weight_bytes_int8", stats.weight_bytes_int8}}},
          {"op_histogram", stats.op_histogram},
          {"unsupported_ops", summary.unsupported_ops}};
}

}  // namespace tinyc::report
