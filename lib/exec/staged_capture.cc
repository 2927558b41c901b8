// StagedCapture: the part of the graph between the known values and the one asked for is cut out
// (ir::subgraph) and run by its own executor over all rows.
#include "exec/staged_capture.h"

#include "ir/error.h"
#include "ir/subgraph.h"

namespace tinyc::exec {

StagedCapture::StagedCapture(const ir::Graph& graph, const std::vector<ir::Tensor>& inputs, ExecutorOptions options)
    : graph_(graph), options_(options) {
  if (inputs.size() != graph.inputs().size())
    throw InternalError("staged capture: " + std::to_string(inputs.size()) + " inputs for a graph with " +
                        std::to_string(graph.inputs().size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Value& in = *graph.inputs()[i];
    known_.emplace(in.name, std::make_shared<const ir::Tensor>(inputs[i]));
    starts_.emplace(in.name, in.shape.value_or(inputs[i].shape()));
  }
  if (!inputs.empty() && has_unit_batch(*graph.inputs().front()) && !inputs.front().shape().empty())
    rows_ = inputs.front().shape()[0];
}

const ir::Tensor& StagedCapture::keep(const ir::Value& v, std::shared_ptr<const ir::Tensor> t) {
  if (rows_ >= 0 && has_unit_batch(v) && t->shape().size() == v.shape->size() && t->shape()[0] == rows_) {
    ir::Shape one = t->shape();
    one[0] = 1;
    starts_.insert_or_assign(v.name, std::move(one));
  }
  return *known_.insert_or_assign(v.name, std::move(t)).first->second;
}

void StagedCapture::know(const std::map<std::string, std::shared_ptr<const ir::Tensor>>& values) {
  for (const auto& [name, t] : values) {
    const ir::Value* v = graph_.find_value(name);
    if (!v) throw InternalError("staged capture: no value '" + name + "'");
    keep(*v, t);
  }
}

const ir::Tensor& StagedCapture::value(const std::string& name) {
  if (auto it = known_.find(name); it != known_.end()) return *it->second;
  const ir::Value* v = graph_.find_value(name);
  if (!v) throw InternalError("staged capture: no value '" + name + "'");
  const std::unique_ptr<ir::Graph> part = ir::subgraph(graph_, starts_, {name});
  std::vector<ir::Tensor> inputs;
  for (const ir::Value* in : part->inputs()) inputs.push_back(*known_.at(in->name));
  return keep(*v, std::make_shared<const ir::Tensor>(std::move(Executor(*part, options_).run(inputs).front())));
}

std::vector<ir::Tensor> StagedCapture::outputs() {
  std::vector<ir::Tensor> values;
  for (const ir::Value* out : graph_.outputs()) values.push_back(value(out->name));
  return values;
}

}  // namespace tinyc::exec
