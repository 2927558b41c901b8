// The arena planner: reuse on a chain, no overlap between buffers alive at the same step, and the
// plan the executor makes for a real graph.
#include <catch2/catch.hpp>

#include <functional>
#include <random>

#include "exec/planner.h"
#include "exec_test_util.h"
#include "ir/error.h"

using namespace tinyc;

namespace {

bool overlap_free(const exec::MemoryPlan& plan) {
  for (size_t i = 0; i < plan.requests.size(); ++i)
    for (size_t j = i + 1; j < plan.requests.size(); ++j) {
      const auto &a = plan.requests[i], &b = plan.requests[j];
      if (!exec::lifetimes_overlap(a, b) || a.bytes == 0 || b.bytes == 0) continue;
      if (plan.offsets[i] < plan.offsets[j] + b.bytes && plan.offsets[j] < plan.offsets[i] + a.bytes) return false;
    }
  return true;
}

}  // namespace

TEST_CASE("planner: a chain needs two buffers, not one per value", "[exec][planner]") {
  std::vector<exec::BufferRequest> chain;
  for (int64_t i = 0; i < 6; ++i) chain.push_back({"v" + std::to_string(i), 1000, i, i + 1});
  const exec::MemoryPlan plan = exec::plan_memory(chain);
  CHECK(plan.total_request_bytes == 6 * 1024);
  CHECK(plan.arena_bytes == 2 * 1024);
  CHECK(overlap_free(plan));
  for (size_t i = 0; i < plan.offsets.size(); ++i) CHECK(plan.offsets[i] % exec::kArenaAlignment == 0);
}

TEST_CASE("planner: buffers alive together never share bytes", "[exec][planner]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<exec::BufferRequest> requests;
    for (int i = 0; i < 40; ++i) {
      const int64_t first = rng() % 30;
      requests.push_back({"b" + std::to_string(i), size_t(rng() % 5000), first, first + int64_t(rng() % 6)});
    }
    const exec::MemoryPlan plan = exec::plan_memory(requests);
    REQUIRE(overlap_free(plan));
    size_t peak = 0;  // the arena can never be smaller than the bytes alive at one step
    for (int64_t step = 0; step < 36; ++step) {
      size_t live = 0;
      for (const auto& r : requests)
        if (r.first_step <= step && step <= r.last_step) live += r.bytes;
      peak = std::max(peak, live);
    }
    CHECK(plan.arena_bytes >= peak);
    CHECK(plan.arena_bytes <= plan.total_request_bytes);
  }
}

TEST_CASE("planner: empty buffers take no space, inverted lifetimes are bugs", "[exec][planner]") {
  const exec::MemoryPlan plan = exec::plan_memory({{"empty", 0, 0, 3}, {"x", 10, 0, 3}});
  CHECK(plan.arena_bytes == exec::kArenaAlignment);
  CHECK_THROWS_AS(exec::plan_memory({{"bad", 8, 3, 2}}), InternalError);
}

TEST_CASE("planner: the executor's plan of a Relu chain reuses memory", "[exec][planner]") {
  ir::Graph g;
  g.opset_imports[""] = 13;
  ir::Value* v = g.add_input("x", ir::DType::Float32, {1, 256});
  for (int i = 0; i < 5; ++i) v = g.add_node("Relu", {v}, {"r" + std::to_string(i)})->output(0);
  g.add_output(v);
  const exec::Executor exe(g);
  const exec::MemoryPlan& plan = exe.memory_plan();
  CHECK(plan.requests.size() == 5);
  CHECK(plan.arena_bytes == 2 * 1024);
  CHECK(plan.total_request_bytes == 5 * 1024);
  // The graph output lives to the end; the last intermediate and it cannot share.
  CHECK(plan.requests.back().last_step == 5);
  CHECK(overlap_free(plan));
}

namespace {

// The smallest arena over every assignment of aligned offsets below `limit` (exhaustive; tiny cases only).
size_t exhaustive_optimum(const std::vector<exec::BufferRequest>& reqs, size_t unit, size_t limit) {
  std::vector<size_t> offsets(reqs.size(), 0);
  size_t best = SIZE_MAX;
  std::function<void(size_t, size_t)> place = [&](size_t i, size_t arena) {
    if (arena >= best) return;
    if (i == reqs.size()) {
      best = arena;
      return;
    }
    for (size_t o = 0; o + reqs[i].bytes <= limit; o += unit) {
      bool free = true;
      for (size_t j = 0; j < i && free; ++j)
        free = !exec::lifetimes_overlap(reqs[i], reqs[j]) || o >= offsets[j] + reqs[j].bytes ||
               offsets[j] >= o + reqs[i].bytes;
      if (!free) continue;
      offsets[i] = o;
      place(i + 1, std::max(arena, o + reqs[i].bytes));
    }
  };
  place(0, 0);
  return best;
}

}  // namespace

TEST_CASE("planner: reaches the exhaustive optimum on small random cases", "[exec][planner]") {
  std::mt19937 rng(11);
  for (int round = 0; round < 60; ++round) {
    std::vector<exec::BufferRequest> requests;
    for (int i = 0; i < 6; ++i) {
      const int64_t first = rng() % 6;
      requests.push_back({"b" + std::to_string(i), 16 * (1 + rng() % 4), first, first + int64_t(rng() % 3)});
    }
    const size_t optimum = exhaustive_optimum(requests, 16, 16 * 4 * 6);
    const exec::MemoryPlan plan = exec::plan_memory(requests, 16, exec::kPlacementSearchBudget);
    INFO("round " << round);
    REQUIRE(overlap_free(plan));
    CHECK(plan.arena_bytes == optimum);
    CHECK(plan.lower_bound_bytes <= optimum);
  }
}

TEST_CASE("planner: place_online moves only the online buffers, largest first, to their lowest fit",
          "[exec][planner]") {
  exec::MemoryPlan plan = exec::plan_memory({{"x", 32, 0, 1}, {"y", 32, 1, 2}, {"s", 16, 1, 1}}, 16);
  plan.offsets = {0, 48, 1000};
  exec::place_online(plan, {2});
  CHECK(plan.offsets[0] == 0);
  CHECK(plan.offsets[1] == 48);
  CHECK(plan.offsets[2] == 32);  // the 16-byte gap between x and y
  CHECK(plan.arena_bytes == 80);
}
