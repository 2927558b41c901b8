// Arena placement: greedy first-fit over several orders, then a bounded search over orders.
#include "exec/planner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

#include "ir/error.h"

namespace tinyc::exec {

namespace {

size_t align_up(size_t n, size_t alignment) { return (n + alignment - 1) / alignment * alignment; }

// Places buffers one at a time, each at the lowest offset where it overlaps no placed buffer that is
// alive at a common step.
class FirstFit {
 public:
  FirstFit(std::vector<size_t> sizes, std::vector<std::vector<size_t>> conflicts)
      : sizes_(std::move(sizes)), conflicts_(std::move(conflicts)), offsets_(sizes_.size(), 0),
        placed_(sizes_.size(), false) {}

  size_t lowest_fit(size_t i) const {
    std::vector<std::pair<size_t, size_t>> busy;
    for (size_t j : conflicts_[i])
      if (placed_[j]) busy.emplace_back(offsets_[j], offsets_[j] + sizes_[j]);
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (begin >= offset + sizes_[i]) break;
      offset = std::max(offset, end);
    }
    return offset;
  }
  void place(size_t i, size_t offset) {
    offsets_[i] = offset;
    placed_[i] = true;
  }
  void unplace(size_t i) { placed_[i] = false; }
  bool placed(size_t i) const { return placed_[i]; }
  size_t size(size_t i) const { return sizes_[i]; }
  size_t count() const { return sizes_.size(); }
  const std::vector<size_t>& offsets() const { return offsets_; }

  // Places every buffer in `order` from scratch; returns the arena size.
  size_t run(const std::vector<size_t>& order) {
    std::fill(placed_.begin(), placed_.end(), false);
    size_t arena = 0;
    for (size_t i : order) {
      place(i, lowest_fit(i));
      arena = std::max(arena, offsets_[i] + sizes_[i]);
    }
    return arena;
  }

 private:
  std::vector<size_t> sizes_;
  std::vector<std::vector<size_t>> conflicts_;
  std::vector<size_t> offsets_;
  std::vector<bool> placed_;
};

// Depth-first over placement orders (each buffer at its lowest fit), cutting every branch that
// already needs the best arena found, until the lower bound is reached or the budget is spent.
class OrderSearch {
 public:
  OrderSearch(FirstFit& fit, std::vector<size_t> candidates, size_t best, std::vector<size_t> best_offsets,
              size_t bound, int64_t budget)
      : fit_(fit), candidates_(std::move(candidates)), best_(best), best_offsets_(std::move(best_offsets)),
        bound_(bound), budget_(budget) {}

  void run() {
    for (size_t i = 0; i < fit_.count(); ++i) fit_.unplace(i);
    descend(0, 0);
  }
  size_t best() const { return best_; }
  const std::vector<size_t>& best_offsets() const { return best_offsets_; }

 private:
  void descend(size_t placed, size_t arena) {
    if (placed == candidates_.size()) {
      best_ = arena;
      best_offsets_ = fit_.offsets();
      return;
    }
    for (size_t i : candidates_) {
      if (fit_.placed(i)) continue;
      if (best_ <= bound_ || budget_-- <= 0) return;
      const size_t offset = fit_.lowest_fit(i);
      const size_t grown = std::max(arena, offset + fit_.size(i));
      if (grown >= best_) continue;
      fit_.place(i, offset);
      descend(placed + 1, grown);
      fit_.unplace(i);
    }
  }

  FirstFit& fit_;
  std::vector<size_t> candidates_;
  size_t best_;
  std::vector<size_t> best_offsets_;
  size_t bound_;
  int64_t budget_;
};

}  // namespace

bool lifetimes_overlap(const BufferRequest& a, const BufferRequest& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

size_t live_bytes_bound(const std::vector<BufferRequest>& requests, size_t alignment) {
  std::map<int64_t, int64_t> change;  // step -> bytes starting minus bytes ending before it
  for (const BufferRequest& r : requests) {
    const auto bytes = static_cast<int64_t>(align_up(r.bytes, alignment));
    change[r.first_step] += bytes;
    change[r.last_step + 1] -= bytes;
  }
  int64_t live = 0, peak = 0;
  for (const auto& [step, delta] : change) peak = std::max(peak, live += delta);
  return static_cast<size_t>(peak);
}

MemoryPlan plan_memory(std::vector<BufferRequest> requests, size_t alignment, int64_t search_budget) {
  if (alignment == 0) throw InternalError("arena alignment must be positive");
  MemoryPlan plan;
  plan.requests = std::move(requests);
  plan.alignment = alignment;
  const std::vector<BufferRequest>& reqs = plan.requests;
  plan.offsets.assign(reqs.size(), 0);
  std::vector<size_t> sizes, nonempty;
  for (size_t i = 0; i < reqs.size(); ++i) {
    if (reqs[i].last_step < reqs[i].first_step)
      throw InternalError("buffer '" + reqs[i].name + "' dies before it is written");
    sizes.push_back(align_up(reqs[i].bytes, alignment));
    plan.total_request_bytes += sizes.back();
    if (sizes.back() > 0) nonempty.push_back(i);  // empty buffers need no memory; offset 0 is as good as any
  }
  plan.lower_bound_bytes = live_bytes_bound(reqs, alignment);
  if (nonempty.empty()) return plan;

  std::vector<std::vector<size_t>> conflicts(reqs.size());
  std::vector<size_t> conflict_bytes(reqs.size(), 0);
  for (size_t a : nonempty)
    for (size_t b : nonempty)
      if (a != b && lifetimes_overlap(reqs[a], reqs[b])) {
        conflicts[a].push_back(b);
        conflict_bytes[a] += sizes[b];
      }
  FirstFit fit(sizes, conflicts);

  using Key = std::function<bool(size_t, size_t)>;
  const std::vector<Key> orders = {
      [&](size_t a, size_t b) { return sizes[a] > sizes[b]; },
      [&](size_t a, size_t b) {
        return reqs[a].last_step - reqs[a].first_step > reqs[b].last_step - reqs[b].first_step;
      },
      [&](size_t a, size_t b) { return sizes[a] + conflict_bytes[a] > sizes[b] + conflict_bytes[b]; },
      [&](size_t a, size_t b) { return reqs[a].first_step < reqs[b].first_step; },
  };
  size_t best = SIZE_MAX;
  std::vector<size_t> best_offsets;
  for (const Key& key : orders) {
    std::vector<size_t> order = nonempty;
    std::stable_sort(order.begin(), order.end(), key);
    const size_t arena = fit.run(order);
    if (arena < best) {
      best = arena;
      best_offsets = fit.offsets();
    }
    if (best <= plan.lower_bound_bytes) break;
  }
  if (best > plan.lower_bound_bytes && search_budget > 0) {
    std::vector<size_t> candidates = nonempty;
    std::stable_sort(candidates.begin(), candidates.end(), orders.front());
    OrderSearch search(fit, candidates, best, best_offsets, plan.lower_bound_bytes, search_budget);
    search.run();
    best = search.best();
    best_offsets = search.best_offsets();
  }
  for (size_t i : nonempty) plan.offsets[i] = best_offsets[i];
  plan.arena_bytes = best;
  return plan;
}

void place_online(MemoryPlan& plan, const std::vector<size_t>& online) {
  const std::vector<BufferRequest>& reqs = plan.requests;
  std::vector<size_t> sizes;
  for (const BufferRequest& r : reqs) sizes.push_back(align_up(r.bytes, plan.alignment));
  std::vector<std::vector<size_t>> conflicts(reqs.size());
  for (size_t a = 0; a < reqs.size(); ++a)
    for (size_t b = 0; b < reqs.size(); ++b)
      if (a != b && sizes[a] > 0 && sizes[b] > 0 && lifetimes_overlap(reqs[a], reqs[b])) conflicts[a].push_back(b);
  FirstFit fit(sizes, conflicts);
  std::vector<bool> movable(reqs.size(), false);
  for (size_t i : online) movable.at(i) = true;
  for (size_t i = 0; i < reqs.size(); ++i)
    if (!movable[i] && sizes[i] > 0) fit.place(i, plan.offsets[i]);
  std::vector<size_t> order = online;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
  for (size_t i : order) {
    plan.offsets[i] = sizes[i] > 0 ? fit.lowest_fit(i) : 0;
    if (sizes[i] > 0) fit.place(i, plan.offsets[i]);
  }
  plan.arena_bytes = 0;
  for (size_t i = 0; i < reqs.size(); ++i)
    if (sizes[i] > 0) plan.arena_bytes = std::max(plan.arena_bytes, plan.offsets[i] + sizes[i]);
}

}  // namespace tinyc::exec
