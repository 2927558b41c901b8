// Capturing intermediate values with the executor's observer.
#include "exec/capture.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "ir/error.h"
#include "ir/tensor_rows.h"

namespace tinyc::exec {

std::vector<ir::Tensor> capture_values(const ir::Graph& g, const std::vector<ir::Tensor>& inputs,
                                       const std::vector<std::string>& names, const ExecutorOptions& options) {
  std::unordered_map<std::string, std::map<int64_t, ir::Tensor>> chunks;
  for (const std::string& name : names) chunks[name];
  Executor(g, options).run(inputs, [&](const ObservedValue& v) {
    if (auto it = chunks.find(v.name); it != chunks.end()) it->second.emplace(v.first_row, v.value);
  });
  std::vector<ir::Tensor> values;
  for (const std::string& name : names) {
    const auto input = std::find_if(g.inputs().begin(), g.inputs().end(), [&](const ir::Value* v) { return v->name == name; });
    if (input != g.inputs().end()) {
      values.push_back(inputs[static_cast<size_t>(input - g.inputs().begin())]);
      continue;
    }
    std::vector<ir::Tensor> parts;
    for (const auto& [row, t] : chunks.at(name)) parts.push_back(t);  // a name may be asked for twice
    if (parts.empty()) throw InternalError("capture: value '" + name + "' is not computed at run time");
    values.push_back(ir::concat_rows(parts));
  }
  return values;
}

}  // namespace tinyc::exec
