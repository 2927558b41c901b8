// Activation memory planning: one arena, and an offset in it for every intermediate buffer, so
// buffers whose lifetimes do not overlap share memory (the executor's and a device's RAM budget).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tinyc::exec {

// Offsets are multiples of this (cache line; enough for any element type and SIMD loads).
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
  size_t arena_bytes = 0;
  size_t total_request_bytes = 0;  // what the arena would need without any reuse (aligned sizes)
};

// Greedy by size: the largest buffers are placed first, each at the lowest aligned offset where it
// overlaps no already placed buffer whose lifetime intersects its own. Deterministic.
MemoryPlan plan_memory(std::vector<BufferRequest> requests);

// True when two requests are alive at a common step.
bool lifetimes_overlap(const BufferRequest& a, const BufferRequest& b);

}  // namespace tinyc::exec
