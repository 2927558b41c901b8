// Capturing intermediate values with the float executor's observer and measuring output error.
#include "passes/prune/capture.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "ir/tensor_rows.h"

namespace tinyc::passes {

std::vector<ir::Tensor> capture_values(const ir::Graph& g, const std::vector<ir::Tensor>& inputs,
                                       const std::vector<std::string>& names, const exec::ExecutorOptions& options) {
  std::unordered_map<std::string, std::map<int64_t, ir::Tensor>> chunks;
  for (const std::string& name : names) chunks[name];
  exec::Executor(g, options).run(inputs, [&](const exec::ObservedValue& v) {
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
    if (parts.empty()) throw InternalError("prune: value '" + name + "' is not computed at run time");
    values.push_back(ir::concat_rows(parts));
  }
  return values;
}

std::vector<ir::Tensor> first_rows(const std::vector<ir::Tensor>& inputs, int64_t rows) {
  std::vector<ir::Tensor> cut;
  for (const ir::Tensor& t : inputs)
    cut.push_back(rows <= 0 || rows >= t.shape()[0] ? t : ir::slice_rows(t, 0, rows));
  return cut;
}

namespace {

double arg_max_agreement(const ir::Tensor& a, const ir::Tensor& b) {
  const ir::Shape& s = a.shape();
  if (s.size() != 2 || s[1] < 2) return 1.0;
  const auto va = a.values<float>(), vb = b.values<float>();
  const auto k = static_cast<size_t>(s[1]);
  int64_t same = 0;
  for (size_t r = 0; r < static_cast<size_t>(s[0]); ++r) {
    const auto ra = va.subspan(r * k, k), rb = vb.subspan(r * k, k);
    same += std::max_element(ra.begin(), ra.end()) - ra.begin() == std::max_element(rb.begin(), rb.end()) - rb.begin();
  }
  return static_cast<double>(same) / static_cast<double>(s[0]);
}

}  // namespace

OutputError compare_outputs(const std::vector<ir::Tensor>& reference, const std::vector<ir::Tensor>& other) {
  double signal = 0, noise = 0;
  OutputError e;
  for (size_t i = 0; i < reference.size(); ++i) {
    const auto a = reference[i].values<float>(), b = other[i].values<float>();
    for (size_t j = 0; j < a.size(); ++j) {
      signal += static_cast<double>(a[j]) * a[j];
      noise += (static_cast<double>(a[j]) - b[j]) * (static_cast<double>(a[j]) - b[j]);
    }
    e.agreement = std::min(e.agreement, arg_max_agreement(reference[i], other[i]));
  }
  e.relative = signal > 0 ? noise / signal : (noise > 0 ? 1.0 : 0.0);
  e.snr_db = e.relative > 0 ? std::min(200.0, -10 * std::log10(e.relative)) : 200.0;
  return e;
}

}  // namespace tinyc::passes
