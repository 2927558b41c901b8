// The memory-aware operator order: the peak it reports, the order it picks on a branching graph,
// and that it never reorders a chain.
#include <catch2/catch.hpp>

#include <algorithm>

#include "exec/schedule.h"

using namespace tinyc;

TEST_CASE("schedule: peak_live_bytes counts inputs, outputs, scratch and graph outputs to the end", "[exec][schedule]") {
  // x(100) -> op0 -> y(10) -> op1 (scratch 5) -> z(1), z is the graph output.
  exec::Dataflow flow;
  flow.buffer_bytes = {100, 10, 1};
  flow.ops = {{{0}, {1}, 0}, {{1}, {2}, 5}};
  flow.graph_inputs = {0};
  flow.graph_outputs = {2};
  CHECK(exec::peak_live_bytes(flow, {0, 1}) == 110);
  flow.buffer_bytes[0] = 1;
  CHECK(exec::peak_live_bytes(flow, {0, 1}) == 16);
}

TEST_CASE("schedule: a chain keeps its order", "[exec][schedule]") {
  exec::Dataflow flow;
  for (size_t i = 0; i <= 5; ++i) flow.buffer_bytes.push_back(10 * (i + 1));
  for (size_t i = 0; i < 5; ++i) flow.ops.push_back({{i}, {i + 1}, 0});
  flow.graph_inputs = {0};
  flow.graph_outputs = {5};
  CHECK(exec::memory_aware_order(flow) == std::vector<size_t>{0, 1, 2, 3, 4});
}

TEST_CASE("schedule: the branch that frees memory runs first", "[exec][schedule]") {
  // x feeds two branches that meet in an Add. Branch A: x -> a1 (big) -> a2 (small).
  // Branch B: x -> b1. Running A first keeps only a2 alive while B runs; the stored order (b1
  // first) keeps b1 alive across A's big a1.
  exec::Dataflow flow;
  flow.buffer_bytes = {/*x*/ 50, /*b1*/ 40, /*a1*/ 100, /*a2*/ 10, /*out*/ 10};
  flow.ops = {{{0}, {1}, 0},      // op0: x -> b1
              {{0}, {2}, 0},      // op1: x -> a1
              {{2}, {3}, 0},      // op2: a1 -> a2
              {{1, 3}, {4}, 0}};  // op3: b1 + a2 -> out
  flow.graph_inputs = {0};
  flow.graph_outputs = {4};
  const std::vector<size_t> stored = {0, 1, 2, 3};
  const std::vector<size_t> order = exec::memory_aware_order(flow);
  CHECK(exec::peak_live_bytes(flow, stored) == 50 + 40 + 100);  // op1: x, b1 and a1
  CHECK(order == std::vector<size_t>{1, 2, 0, 3});
  CHECK(exec::peak_live_bytes(flow, order) == 50 + 100 + 10);  // op2: x, a1 and a2
}
