// Memory-aware operator order: among the orders that keep every producer before its readers, the
// one whose busiest step holds the fewest live bytes (the lower bound any arena plan can reach).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tinyc::exec {

// An operator as the scheduler sees it: the buffers it reads and writes (indices into
// Dataflow::buffer_bytes) and the scratch bytes it needs while it runs.
struct DataflowOp {
  std::vector<size_t> inputs;
  std::vector<size_t> outputs;
  size_t scratch_bytes = 0;
};

// Buffers and operators in their current order. A buffer of 0 bytes takes no memory (constants).
// Graph inputs are alive from before the first operator; graph outputs until after the last.
struct Dataflow {
  std::vector<size_t> buffer_bytes;
  std::vector<DataflowOp> ops;
  std::vector<size_t> graph_inputs;
  std::vector<size_t> graph_outputs;
};

// The most bytes (buffers plus scratch) alive at one step when the ops run in `order`.
size_t peak_live_bytes(const Dataflow& flow, const std::vector<size_t>& order);

// An order of flow.ops (a permutation of their indices) with the smallest peak_live_bytes, found
// by dynamic programming over the sets of ops already run; ties keep the current order. When the
// graph has more than `max_states` such sets, the current order is returned unchanged.
std::vector<size_t> memory_aware_order(const Dataflow& flow, size_t max_states = 200000);

}  // namespace tinyc::exec
