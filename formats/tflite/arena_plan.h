// TensorFlow Lite Micro's activation arena for one .tflite model, computed the way its micro
// allocator computes it (which tensors it plans, their lifetimes, 16-byte sizes, the reference
// kernels' scratch requests), placed by tinyc's planner, and stored in the file as TFLM's
// "OfflineMemoryAllocation" metadata so that stock TFLM uses tinyc's plan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/tflite/tinyc_tflite_generated.h"

namespace tinyc::tflite_format {

// TFLM rounds every arena buffer up to this many bytes and aligns the arena to it.
inline constexpr size_t kTflmBufferAlignment = 16;
// `bytes` rounded up to kTflmBufferAlignment, as TFLM sizes arena buffers and persistent allocations.
inline size_t tflm_aligned(size_t bytes) {
  return (bytes + kTflmBufferAlignment - 1) / kTflmBufferAlignment * kTflmBufferAlignment;
}

// The metadata entry TFLM's allocator reads the offline plan from.
inline constexpr const char* kOfflinePlanMetadata = "OfflineMemoryAllocation";

// One buffer of the plan: a tensor (tensor >= 0) or a kernel's scratch request (tensor = -1).
struct ArenaBuffer {
  std::string name;
  int32_t tensor = -1;
  int32_t op = -1;  // the requesting op, for scratch
  size_t bytes = 0;  // before rounding up to kTflmBufferAlignment
  int64_t first_step = 0;
  int64_t last_step = 0;
  size_t offset = 0;
};

// The head (non-persistent) section of TFLM's arena for the model's one subgraph.
struct ArenaPlan {
  std::vector<ArenaBuffer> buffers;
  // Per tensor of the subgraph: its offset in the head, or -1 where TFLM allocates nothing
  // (constants, empty tensors).
  std::vector<int32_t> tensor_offsets;
  size_t arena_bytes = 0;        // the head TFLM needs with this plan (buffers and scratch)
  size_t lower_bound_bytes = 0;  // the most bytes alive at one step in this operator order
};

// tinyc's plan of the head for the operators in their current order. TFLM places the scratch
// buffers itself, largest first, at the lowest fitting offset around the planned tensors; the plan
// does the same, so arena_bytes is what TFLM's reference kernels need with this plan.
ArenaPlan plan_arena(const tflite_fb::ModelT& model);

// The head as TFLM's allocator lays it out for this file: the tensors at the offsets of the file's
// OfflineMemoryAllocation metadata, and everything else (all buffers when the file has no plan)
// placed by TFLM's greedy planner: largest first, each at the lowest offset that fits.
ArenaPlan tflm_arena(const tflite_fb::ModelT& model);

// Reorders the subgraph's operators (producers stay before readers) for the smallest peak of
// bytes alive at one step; ties keep the current order.
void reorder_operators_for_memory(tflite_fb::ModelT& model);

// The "OfflineMemoryAllocation" buffer: version 1, 1 subgraph, the tensor count, the offsets.
std::vector<uint8_t> offline_plan_bytes(const ArenaPlan& plan);

// The offsets stored in a model's OfflineMemoryAllocation metadata; empty when it has none.
// Throws InputError when the entry is malformed (wrong size or tensor count).
std::vector<int32_t> read_offline_plan(const tflite_fb::ModelT& model);

}  // namespace tinyc::tflite_format
