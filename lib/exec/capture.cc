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
  return capture_values(Executor(g, options), inputs, names);
}

std::vector<ir::Tensor> capture_values(const Executor& executor, const std::vector<ir::Tensor>& inputs,
                                       const std::vector<std::string>& names) {
  const ir::Graph& g = executor.graph();
  std::unordered_map<std::string, std::map<int64_t, ir::Tensor>> chunks;
  for (const std::string& name : names) chunks[name];
  executor.run(inputs, [&](const ObservedValue& v) {
    if (auto it = chunks.find(v.name); it != chunks.end()) it->second.emplace(v.first_row, v.value);
  });
  std::vector<ir::Tensor> values;
  for (const std::string& name : names) {
    const auto input = std::find_if(g.inputs().begin(), g.inputs().end(), [&](const ir::Value* v) { return v->name == name; });
    if (input != g.inputs().end()) {
      values.push_back(inputs[static_cast<size_t>(input - g.inputs().begin())]);
      continue;
    }
    const std::map<int64_t, ir::Tensor>& parts = chunks.at(name);  // a name may be asked for twice: no moves
    if (parts.empty()) throw InternalError("capture: value '" + name + "' is not computed at run time");
    if (parts.size() == 1) {
      values.push_back(parts.begin()->second);
      continue;
    }
    std::vector<ir::Tensor> stacked;
    for (const auto& [row, t] : parts) stacked.push_back(t);
    values.push_back(ir::concat_rows(stacked));
  }
  return values;
}

}  // namespace tinyc::exec
