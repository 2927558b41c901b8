// Activation memory planning: one arena, and an offset in it for every intermediate buffer, so
// buffers whose lifetimes do not overlap share memory (the executor's and a device's RAM budget).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tinyc::exec {

// The executor's offsets are multiples of this (cache line; enough for any element type and SIMD loads).
inline constexpr size_t kArenaAlignment = 64;

// One buffer to place: live from the step that writes it to the last step that reads it (both
// inclusive; steps are positions in the execution order).
struct BufferRequest {
  std::string name;  // value name, or "<node>:scratch"
  size_t bytes = 0;
  int64_t first_step = 0;
  int64_t last_step = 0;
};

// Where each request went (offsets[i] belongs to requests[i]) and how big the arena must be.
struct MemoryPlan {
  std::vector<BufferRequest> requests;
  std::vector<size_t> offsets;
  size_t alignment = kArenaAlignment;
  size_t arena_bytes = 0;
  size_t total_request_bytes = 0;  // what the arena would need without any reuse (aligned sizes)
  // No plan can be smaller: the most bytes (aligned sizes) alive at one step.
  size_t lower_bound_bytes = 0;
};

// How many placements the search over placement orders may try after the greedy orders: enough
// for the small graphs a device plan is made for (the executor's own plan skips the search).
inline constexpr int64_t kPlacementSearchBudget = 200000;

// Places every request at an offset that is a multiple of `alignment` (sizes are rounded up to
// it), so that no two requests alive at a common step share a byte. Several greedy orders are
// tried (each buffer at the lowest offset that fits); when none reaches lower_bound_bytes and
// `search_budget` > 0, a search over placement orders continues for up to that many placements.
// Placing buffers in the order of any optimal plan's offsets, each at its lowest fitting offset,
// gives a plan no larger than that optimum, so the search finds the optimum when it finishes
// within its budget. Deterministic.
MemoryPlan plan_memory(std::vector<BufferRequest> requests, size_t alignment = kArenaAlignment,
                       int64_t search_budget = 0);

// Re-places the `online` requests, largest first, each at the lowest offset that fits around every
// other request, and updates arena_bytes: what TensorFlow Lite Micro's greedy planner does with the
// buffers an offline plan leaves to it (kernel scratch).
void place_online(MemoryPlan& plan, const std::vector<size_t>& online);

// The most bytes (each request rounded up to `alignment`) alive at any one step.
size_t live_bytes_bound(const std::vector<BufferRequest>& requests, size_t alignment);

// True when two requests are alive at a common step.
bool lifetimes_overlap(const BufferRequest& a, const BufferRequest& b);

}  // namespace tinyc::exec
