// TFLM's arena rules, read from tensorflow/lite/micro (micro_allocation_info.cc, micro_allocator.cc,
// greedy_memory_planner.cc, kernels/reduce_common.cc): a tensor is planned when it has no constant
// data, is not a variable and is not empty; graph inputs are created at scope 0, operator i runs at
// scope i + 1 and creates its outputs there; a tensor lives until the last scope that reads it;
// graph outputs live until the last operator's scope; every size is rounded up to 16 bytes.
#include "formats/tflite/arena_plan.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "exec/planner.h"
#include "exec/schedule.h"
#include "formats/tflite/model_access.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

namespace fb = tflite_fb;

constexpr int32_t kOfflinePlanVersion = 1;
constexpr size_t kOfflinePlanHeader = 3;  // version, subgraphs, tensor count

const fb::SubGraphT& main_subgraph(const fb::ModelT& model) {
  if (model.subgraphs.size() != 1)
    throw InputError("the model has " + std::to_string(model.subgraphs.size()) +
                     " subgraphs; tinyc plans models with exactly one");
  return *model.subgraphs.front();
}

bool has_data(const fb::ModelT& model, const fb::TensorT& t) {
  return t.buffer < model.buffers.size() && model.buffers[t.buffer] && !model.buffers[t.buffer]->data.empty();
}

// Bytes of the tensor in TFLM's arena: 0 when TFLM does not allocate it there.
size_t arena_bytes_of(const fb::ModelT& model, const fb::TensorT& t) {
  if (has_data(model, t) || t.is_variable) return 0;
  return element_count(t) * element_bytes(t.type);
}

// The scratch buffers TFLM's reference kernels request in Prepare, in request order.
std::vector<size_t> reference_scratch(const fb::ModelT& model, const fb::OperatorT& op) {
  const fb::SubGraphT& g = main_subgraph(model);
  const fb::TensorT* input = tensor_at(g, op.inputs, 0);
  const fb::TensorT* second = tensor_at(g, op.inputs, 1);
  const fb::TensorT* output = tensor_at(g, op.outputs, 0);
  if (!input || !output) return {};
  const size_t int_bytes = 4;
  switch (builtin_of(model, op)) {
    case fb::BuiltinOperator::MEAN:
    case fb::BuiltinOperator::SUM: {
      std::vector<size_t> scratch;
      if (input->type == fb::TensorType::INT8 || input->type == fb::TensorType::INT16)
        scratch.push_back(int_bytes * element_count(*output));
      scratch.push_back(int_bytes * input->shape.size());
      scratch.push_back(int_bytes * (second ? element_count(*second) : 0));
      return scratch;
    }
    case fb::BuiltinOperator::REDUCE_MAX:
    case fb::BuiltinOperator::REDUCE_MIN:
      return {int_bytes * input->shape.size(), int_bytes * (second ? element_count(*second) : 0)};
    case fb::BuiltinOperator::MIRROR_PAD:  // the element counts of the output's and the input's dims
      return {int_bytes * input->shape.size(), int_bytes * input->shape.size()};
    case fb::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM: {
      // Four gate buffers of batch x hidden cell-state elements (kernels/unidirectional_sequence_lstm.cc).
      const fb::TensorT* hidden = tensor_at(g, op.inputs, 18);
      const fb::TensorT* cell = tensor_at(g, op.inputs, 19);
      if (!hidden || !cell) return {};
      return std::vector<size_t>(4, element_count(*hidden) * element_bytes(cell->type));
    }
    case fb::BuiltinOperator::CONV_2D:
    case fb::BuiltinOperator::DEPTHWISE_CONV_2D:
    case fb::BuiltinOperator::FULLY_CONNECTED:
      // An int4 filter is unpacked into the arena for the reference kernels.
      if (second && second->type == fb::TensorType::INT4) return {element_count(*second)};
      return {};
    default: return {};
  }
}

exec::Dataflow dataflow_of(const fb::ModelT& model) {
  const fb::SubGraphT& g = main_subgraph(model);
  exec::Dataflow flow;
  for (const auto& t : g.tensors) flow.buffer_bytes.push_back(tflm_aligned(arena_bytes_of(model, *t)));
  auto ids = [&](const std::vector<int32_t>& v) {
    std::vector<size_t> out;
    for (int32_t i : v)
      if (i >= 0) out.push_back(static_cast<size_t>(i));
    return out;
  };
  for (const auto& op : g.operators) {
    exec::DataflowOp d{ids(op->inputs), ids(op->outputs), 0};
    for (size_t s : reference_scratch(model, *op)) d.scratch_bytes += tflm_aligned(s);
    flow.ops.push_back(std::move(d));
  }
  flow.graph_inputs = ids(g.inputs);
  flow.graph_outputs = ids(g.outputs);
  return flow;
}

void check_indices(const fb::SubGraphT& g) {
  const auto count = static_cast<int32_t>(g.tensors.size());
  auto check = [&](const std::vector<int32_t>& ids) {
    for (int32_t i : ids)
      if (i < -1 || i >= count)
        throw InputError("the model refers to tensor " + std::to_string(i) + " of " + std::to_string(count));
  };
  check(g.inputs);
  check(g.outputs);
  for (const auto& op : g.operators) {
    check(op->inputs);
    check(op->outputs);
  }
}

// Every buffer TFLM plans, with its lifetime, tensors first (in tensor order), then scratch.
std::vector<ArenaBuffer> arena_buffers(const fb::ModelT& model) {
  const fb::SubGraphT& g = main_subgraph(model);
  check_indices(g);
  const size_t tensors = g.tensors.size();
  constexpr int64_t kUnset = -1;
  std::vector<int64_t> first(tensors, kUnset), last(tensors, kUnset);
  auto create = [&](int32_t t, int64_t scope) {
    if (first[static_cast<size_t>(t)] == kUnset) first[static_cast<size_t>(t)] = scope;
  };
  auto use = [&](int32_t t, int64_t scope) { last[static_cast<size_t>(t)] = scope; };
  for (int32_t t : g.inputs) {
    create(t, 0);
    use(t, 0);
  }
  int64_t scope = 0;
  for (const auto& op : g.operators) {
    ++scope;
    for (int32_t t : op->outputs) create(t, scope);
    for (int32_t t : op->inputs)
      if (t >= 0) use(t, scope);
    for (int32_t t : op->outputs) use(t, scope);
  }
  for (int32_t t : g.outputs) {
    create(t, scope);
    use(t, scope);
  }
  std::vector<ArenaBuffer> buffers;
  for (size_t t = 0; t < tensors; ++t) {
    const size_t bytes = arena_bytes_of(model, *g.tensors[t]);
    if (bytes > 0) buffers.push_back({g.tensors[t]->name, static_cast<int32_t>(t), -1, bytes, first[t], last[t], 0});
  }
  for (size_t o = 0; o < g.operators.size(); ++o)
    for (size_t bytes : reference_scratch(model, *g.operators[o])) {
      const auto step = static_cast<int64_t>(o) + 1;
      if (bytes > 0)
        buffers.push_back({"op " + std::to_string(o) + " scratch", -1, static_cast<int32_t>(o), bytes, step, step, 0});
    }
  return buffers;
}

std::vector<exec::BufferRequest> requests_of(const std::vector<ArenaBuffer>& buffers) {
  std::vector<exec::BufferRequest> requests;
  for (const ArenaBuffer& b : buffers) requests.push_back({b.name, b.bytes, b.first_step, b.last_step});
  return requests;
}

ArenaPlan finish_plan(std::vector<ArenaBuffer> buffers, const exec::MemoryPlan& placed, size_t tensors) {
  ArenaPlan plan;
  plan.buffers = std::move(buffers);
  plan.arena_bytes = placed.arena_bytes;
  plan.lower_bound_bytes = placed.lower_bound_bytes;
  plan.tensor_offsets.assign(tensors, -1);
  for (size_t i = 0; i < plan.buffers.size(); ++i) {
    plan.buffers[i].offset = placed.offsets[i];
    if (plan.buffers[i].tensor >= 0)
      plan.tensor_offsets[static_cast<size_t>(plan.buffers[i].tensor)] = static_cast<int32_t>(placed.offsets[i]);
  }
  return plan;
}

std::vector<size_t> scratch_indices(const std::vector<ArenaBuffer>& buffers) {
  std::vector<size_t> scratch;
  for (size_t i = 0; i < buffers.size(); ++i)
    if (buffers[i].tensor < 0) scratch.push_back(i);
  return scratch;
}

}  // namespace

ArenaPlan plan_arena(const fb::ModelT& model) {
  std::vector<ArenaBuffer> buffers = arena_buffers(model);
  exec::MemoryPlan placed = exec::plan_memory(requests_of(buffers), kTflmBufferAlignment, exec::kPlacementSearchBudget);
  exec::place_online(placed, scratch_indices(buffers));
  return finish_plan(std::move(buffers), placed, main_subgraph(model).tensors.size());
}

ArenaPlan tflm_arena(const fb::ModelT& model) {
  std::vector<ArenaBuffer> buffers = arena_buffers(model);
  const std::vector<int32_t> stored = read_offline_plan(model);
  exec::MemoryPlan placed;
  placed.requests = requests_of(buffers);
  placed.alignment = kTflmBufferAlignment;
  placed.offsets.assign(buffers.size(), 0);
  placed.lower_bound_bytes = exec::live_bytes_bound(placed.requests, kTflmBufferAlignment);
  std::vector<size_t> online;
  for (size_t i = 0; i < buffers.size(); ++i) {
    const int32_t offset = buffers[i].tensor >= 0 && !stored.empty() ? stored[static_cast<size_t>(buffers[i].tensor)] : -1;
    if (offset < 0)
      online.push_back(i);
    else
      placed.offsets[i] = static_cast<size_t>(offset);
  }
  exec::place_online(placed, online);
  return finish_plan(std::move(buffers), placed, main_subgraph(model).tensors.size());
}

void reorder_operators_for_memory(fb::ModelT& model) {
  check_indices(main_subgraph(model));
  const std::vector<size_t> order = exec::memory_aware_order(dataflow_of(model));
  fb::SubGraphT& g = *model.subgraphs.front();
  std::vector<std::unique_ptr<fb::OperatorT>> reordered;
  for (size_t o : order) reordered.push_back(std::move(g.operators[o]));
  g.operators = std::move(reordered);
}

std::vector<uint8_t> offline_plan_bytes(const ArenaPlan& plan) {
  std::vector<int32_t> words = {kOfflinePlanVersion, 1, static_cast<int32_t>(plan.tensor_offsets.size())};
  words.insert(words.end(), plan.tensor_offsets.begin(), plan.tensor_offsets.end());
  std::vector<uint8_t> bytes(words.size() * sizeof(int32_t));
  std::memcpy(bytes.data(), words.data(), bytes.size());  // little-endian, as TFLM reads it
  return bytes;
}

std::vector<int32_t> read_offline_plan(const fb::ModelT& model) {
  for (const auto& entry : model.metadata) {
    if (!entry || entry->name != kOfflinePlanMetadata) continue;
    if (entry->buffer >= model.buffers.size() || !model.buffers[entry->buffer])
      throw InputError("the OfflineMemoryAllocation metadata refers to a missing buffer");
    const std::vector<uint8_t>& data = model.buffers[entry->buffer]->data;
    const size_t tensors = main_subgraph(model).tensors.size();
    if (data.size() % sizeof(int32_t) != 0 || data.size() < kOfflinePlanHeader * sizeof(int32_t))
      throw InputError("the OfflineMemoryAllocation metadata is not a list of int32 values");
    std::vector<int32_t> words(data.size() / sizeof(int32_t));
    std::memcpy(words.data(), data.data(), data.size());
    if (words[2] < 0 || static_cast<size_t>(words[2]) != tensors || words.size() != kOfflinePlanHeader + tensors)
      throw InputError("the OfflineMemoryAllocation metadata lists " + std::to_string(words[2]) +
                       " offsets for " + std::to_string(tensors) + " tensors");
    return {words.begin() + kOfflinePlanHeader, words.end()};
  }
  return {};
}

}  // namespace tinyc::tflite_format
