// Greedy-by-size arena placement (the strategy TFLite Micro's planner is known for).
#include "exec/planner.h"

#include <algorithm>
#include <numeric>

#include "ir/error.h"

namespace tinyc::exec {

namespace {

size_t align_up(size_t n) { return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }

}  // namespace

bool lifetimes_overlap(const BufferRequest& a, const BufferRequest& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

MemoryPlan plan_memory(std::vector<BufferRequest> requests) {
  MemoryPlan plan;
  plan.requests = std::move(requests);
  const std::vector<BufferRequest>& reqs = plan.requests;
  plan.offsets.assign(reqs.size(), 0);
  for (const BufferRequest& r : reqs) {
    if (r.last_step < r.first_step) throw InternalError("buffer '" + r.name + "' dies before it is written");
    plan.total_request_bytes += align_up(r.bytes);
  }
  std::vector<size_t> order(reqs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return reqs[a].bytes > reqs[b].bytes; });

  std::vector<size_t> placed;  // indices into reqs, in placement order
  for (size_t i : order) {
    const size_t size = align_up(reqs[i].bytes);
    if (size == 0) continue;  // empty tensors need no memory; offset 0 is as good as any
    // Occupied ranges of live neighbours, sorted by offset; take the first gap that fits.
    std::vector<std::pair<size_t, size_t>> busy;
    for (size_t j : placed)
      if (lifetimes_overlap(reqs[i], reqs[j])) busy.emplace_back(plan.offsets[j], plan.offsets[j] + align_up(reqs[j].bytes));
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (begin >= offset + size) break;
      offset = std::max(offset, end);
    }
    plan.offsets[i] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + size);
    placed.push_back(i);
  }
  return plan;
}

}  // namespace tinyc::exec
