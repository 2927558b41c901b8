// Program: folds values known before run time, prepares one kernel per remaining node, plans the
// arena from value lifetimes, and runs the steps in topological order.
#include "exec/program.h"

#include <algorithm>
#include <cstring>

#include "exec/evaluate.h"

namespace tinyc::exec {

namespace {

size_t value_bytes(const ir::Value& v) {
  return static_cast<size_t>(ir::num_elements(*v.shape)) * ir::dtype_size(v.dtype);
}

void require_typed(const ir::Value& v) {
  if (!v.shape || v.dtype == ir::DType::Undefined)
    throw InternalError("value '" + v.name + "' has no inferred type; run exec::infer_shapes before compiling");
}

}  // namespace

Program::~Program() = default;

Program::Program(std::unique_ptr<ir::Graph> graph) : graph_(std::move(graph)) {
  for (const ir::Value* v : graph_->values()) require_typed(*v);
  const int64_t opset = model_opset(*graph_);
  std::vector<const ir::Node*> runtime_nodes;
  for (const ir::Node* node : graph_->topological_order()) {
    // Shape reads only its input's (static) shape, so it is known even on run-time data.
    bool known = node->op_type == "Shape";
    if (!known) {
      known = true;
      for (const ir::Value* in : node->inputs())
        known = known && (!in || in->is_constant() || folded_.count(in));
    }
    if (known) {
      fold(*node, opset);
    } else {
      runtime_nodes.push_back(node);
    }
  }
  for (const ir::Node* node : runtime_nodes) {
    Step step;
    step.node = node;
    step.kernel = prepare_kernel(*node, opset, input_slots(*node), output_slots(*node));
    step.scratch_bytes = step.kernel->scratch_bytes();
    mixes_axis0_ = mixes_axis0_ || step.kernel->mixes_axis0();
    steps_.push_back(std::move(step));
    for (const ir::Value* out : node->outputs())
      if (out) runtime_values_.push_back(out);
  }
  plan(runtime_nodes);
}

std::vector<kernels::Slot> Program::input_slots(const ir::Node& node) const {
  std::vector<kernels::Slot> slots;
  for (const ir::Value* in : node.inputs()) {
    kernels::Slot s;
    if (in) {
      const auto it = folded_.find(in);
      s = {true, in->dtype, *in->shape,
           in->is_constant() ? &in->constant() : (it != folded_.end() ? &it->second : nullptr)};
    }
    slots.push_back(std::move(s));
  }
  return slots;
}

void Program::fold(const ir::Node& node, int64_t opset) {
  std::vector<ir::Tensor> results = evaluate_slots(node, input_slots(node), opset);
  for (size_t i = 0; i < results.size(); ++i)
    if (const ir::Value* out = node.output(i)) folded_.emplace(out, std::move(results[i]));
}

void Program::plan(const std::vector<const ir::Node*>& runtime_nodes) {
  std::unordered_map<const ir::Value*, std::pair<int64_t, int64_t>> lifetime;
  for (size_t s = 0; s < runtime_nodes.size(); ++s)
    for (const ir::Value* out : runtime_nodes[s]->outputs())
      if (out) lifetime[out] = {static_cast<int64_t>(s), static_cast<int64_t>(s)};
  for (size_t s = 0; s < runtime_nodes.size(); ++s)
    for (const ir::Value* in : runtime_nodes[s]->inputs())
      if (auto it = lifetime.find(in); in && it != lifetime.end())
        it->second.second = std::max(it->second.second, static_cast<int64_t>(s));
  // Graph outputs stay alive for the copy-out after the last step.
  for (const ir::Value* out : graph_->outputs())
    if (auto it = lifetime.find(out); it != lifetime.end()) it->second.second = static_cast<int64_t>(runtime_nodes.size());

  std::vector<BufferRequest> requests;
  for (const ir::Value* v : runtime_values_) {
    const auto [first, last] = lifetime.at(v);
    requests.push_back({v->name, value_bytes(*v), first, last});
  }
  for (size_t s = 0; s < steps_.size(); ++s)
    if (steps_[s].scratch_bytes > 0)
      requests.push_back({steps_[s].node->name + ":scratch", steps_[s].scratch_bytes, static_cast<int64_t>(s),
                          static_cast<int64_t>(s)});
  plan_ = plan_memory(std::move(requests));

  size_t next = 0;
  for (const ir::Value* v : runtime_values_) arena_offsets_[v] = plan_.offsets[next++];
  for (Step& step : steps_) {
    if (step.scratch_bytes > 0) step.scratch_offset = plan_.offsets[next++];
    for (const ir::Value* in : step.node->inputs()) step.inputs.push_back(locate(in));
    for (const ir::Value* out : step.node->outputs()) step.outputs.push_back(locate(out));
  }
  for (const ir::Value* out : graph_->outputs()) output_locations_.push_back(locate(out));
}

Program::Location Program::locate(const ir::Value* v) const {
  Location l;
  if (!v) return l;
  if (v->is_graph_input()) {
    const auto& inputs = graph_->inputs();
    l.kind = Location::Kind::Input;
    l.offset = static_cast<size_t>(std::find(inputs.begin(), inputs.end(), v) - inputs.begin());
  } else if (v->is_constant()) {
    l.kind = Location::Kind::Fixed;
    l.fixed = v->constant().bytes().data();
  } else if (auto it = folded_.find(v); it != folded_.end()) {
    l.kind = Location::Kind::Fixed;
    l.fixed = it->second.bytes().data();
  } else if (auto at = arena_offsets_.find(v); at != arena_offsets_.end()) {
    l.kind = Location::Kind::Arena;
    l.offset = at->second;
  }
  return l;
}

void Program::run(std::span<const void* const> inputs, std::span<void* const> outputs, std::span<std::byte> arena,
                  const Observer* observer, int64_t first_row) const {
  if (arena.size() < plan_.arena_bytes) throw InternalError("arena smaller than the memory plan");
  const auto read = [&](const Location& l) -> const void* {
    switch (l.kind) {
      case Location::Kind::Arena: return arena.data() + l.offset;
      case Location::Kind::Fixed: return l.fixed;
      case Location::Kind::Input: return inputs[l.offset];
      case Location::Kind::Absent: break;
    }
    return nullptr;
  };
  std::vector<const void*> in_ptrs;
  std::vector<void*> out_ptrs;
  for (const Step& step : steps_) {
    in_ptrs.clear();
    out_ptrs.clear();
    for (const Location& l : step.inputs) in_ptrs.push_back(read(l));
    for (const Location& l : step.outputs)
      out_ptrs.push_back(l.kind == Location::Kind::Arena ? arena.data() + l.offset : nullptr);
    step.kernel->eval({in_ptrs, out_ptrs, arena.subspan(step.scratch_offset, step.scratch_bytes)});
    if (!observer || !*observer) continue;
    for (size_t i = 0; i < step.outputs.size(); ++i) {
      const ir::Value* v = step.node->output(i);
      if (!v) continue;
      ir::Tensor t(v->dtype, *v->shape);
      if (t.byte_size()) std::memcpy(t.mutable_bytes().data(), out_ptrs[i], t.byte_size());
      (*observer)(ObservedValue{v->name, t, first_row});
    }
  }
  const auto& graph_outputs = graph_->outputs();
  for (size_t i = 0; i < graph_outputs.size(); ++i) {
    const size_t bytes = value_bytes(*graph_outputs[i]);
    if (bytes) std::memmove(outputs[i], read(output_locations_[i]), bytes);
  }
}

}  // namespace tinyc::exec
