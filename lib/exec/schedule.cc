// Operator order by dynamic programming over "done" sets. With L(S) the bytes alive after the ops
// in S ran (produced, and still to be read or a graph output), running op o next costs
// L(S) + its outputs + its scratch at that step, and the best peak from S is the smallest, over
// the ops ready in S, of max(that step, best peak from S + o).
#include "exec/schedule.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>

namespace tinyc::exec {

namespace {

class Scheduler {
 public:
  Scheduler(const Dataflow& flow, size_t max_states) : flow_(flow), max_states_(max_states) {
    const size_t buffers = flow.buffer_bytes.size();
    producer_.assign(buffers, kNone);
    readers_.assign(buffers, 0);
    kept_.assign(buffers, false);
    for (size_t o = 0; o < flow.ops.size(); ++o) {
      inputs_.push_back(unique(flow.ops[o].inputs));
      outputs_.push_back(unique(flow.ops[o].outputs));
      for (size_t b : outputs_[o]) producer_[b] = o;
      for (size_t b : inputs_[o]) ++readers_[b];
    }
    for (size_t b : flow.graph_outputs) kept_[b] = true;
  }

  // The best order; empty when the state budget ran out.
  std::vector<size_t> solve() {
    done_.assign(flow_.ops.size(), false);
    pending_readers_ = readers_;
    size_t live = 0;
    for (size_t b : unique(flow_.graph_inputs))
      if (pending_readers_[b] > 0 || kept_[b]) live += flow_.buffer_bytes[b];
    best_from(live);
    if (exhausted_) return {};
    std::vector<size_t> order;
    done_.assign(flow_.ops.size(), false);
    for (size_t step = 0; step < flow_.ops.size(); ++step) {
      const size_t o = memo_.at(key()).choice;
      order.push_back(o);
      done_[o] = true;
    }
    return order;
  }

 private:
  static constexpr size_t kNone = static_cast<size_t>(-1);
  struct Entry {
    size_t peak = 0;
    size_t choice = kNone;
  };

  static std::vector<size_t> unique(std::vector<size_t> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }

  std::string key() const {
    std::string k((done_.size() + 7) / 8, '\0');
    for (size_t i = 0; i < done_.size(); ++i)
      if (done_[i]) k[i / 8] = static_cast<char>(k[i / 8] | (1 << (i % 8)));
    return k;
  }

  bool ready(size_t o) const {
    if (done_[o]) return false;
    for (size_t b : inputs_[o])
      if (producer_[b] != kNone && !done_[producer_[b]]) return false;
    return true;
  }

  size_t outputs_bytes(size_t o) const {
    size_t bytes = 0;
    for (size_t b : outputs_[o]) bytes += flow_.buffer_bytes[b];
    return bytes;
  }

  // Best peak from the current done set, whose live bytes are `live`.
  size_t best_from(size_t live) {
    std::string k = key();
    if (auto it = memo_.find(k); it != memo_.end()) return it->second.peak;
    if (memo_.size() >= max_states_) {
      exhausted_ = true;
      return 0;
    }
    Entry best{static_cast<size_t>(-1), kNone};
    bool any = false;
    for (size_t o = 0; o < flow_.ops.size() && !exhausted_; ++o) {
      if (!ready(o)) continue;
      any = true;
      const size_t step = live + outputs_bytes(o) + flow_.ops[o].scratch_bytes;
      if (step >= best.peak) continue;
      size_t after = live;
      for (size_t b : outputs_[o])
        if (readers_[b] > 0 || kept_[b]) after += flow_.buffer_bytes[b];
      for (size_t b : inputs_[o])
        if (--pending_readers_[b] == 0 && !kept_[b]) after -= flow_.buffer_bytes[b];
      done_[o] = true;
      const size_t peak = std::max(step, best_from(after));
      done_[o] = false;
      for (size_t b : inputs_[o]) ++pending_readers_[b];
      if (peak < best.peak) best = {peak, o};
    }
    if (!any) best.peak = 0;
    memo_[std::move(k)] = best;
    return best.peak;
  }

  const Dataflow& flow_;
  size_t max_states_;
  std::vector<std::vector<size_t>> inputs_;   // each op's distinct input buffers
  std::vector<std::vector<size_t>> outputs_;  // each op's distinct output buffers
  std::vector<size_t> producer_;
  std::vector<size_t> readers_;
  std::vector<bool> kept_;
  std::vector<bool> done_;
  std::vector<size_t> pending_readers_;
  std::unordered_map<std::string, Entry> memo_;
  bool exhausted_ = false;
};

}  // namespace

size_t peak_live_bytes(const Dataflow& flow, const std::vector<size_t>& order) {
  const size_t buffers = flow.buffer_bytes.size();
  const int64_t end = static_cast<int64_t>(order.size()) + 1;
  std::vector<int64_t> first(buffers, -1), last(buffers, -1);
  auto touch = [&](size_t b, int64_t step) {
    if (first[b] < 0) first[b] = step;
    last[b] = std::max(last[b], step);
  };
  for (size_t b : flow.graph_inputs) touch(b, 0);
  for (size_t step = 0; step < order.size(); ++step) {
    const DataflowOp& op = flow.ops[order[step]];
    for (size_t b : op.outputs) touch(b, static_cast<int64_t>(step) + 1);
    for (size_t b : op.inputs)
      if (first[b] >= 0) touch(b, static_cast<int64_t>(step) + 1);
  }
  for (size_t b : flow.graph_outputs) touch(b, end);
  std::vector<int64_t> change(static_cast<size_t>(end) + 2, 0);
  for (size_t b = 0; b < buffers; ++b) {
    if (first[b] < 0) continue;
    change[static_cast<size_t>(first[b])] += static_cast<int64_t>(flow.buffer_bytes[b]);
    change[static_cast<size_t>(last[b]) + 1] -= static_cast<int64_t>(flow.buffer_bytes[b]);
  }
  for (size_t step = 0; step < order.size(); ++step) {
    const auto scratch = static_cast<int64_t>(flow.ops[order[step]].scratch_bytes);
    change[step + 1] += scratch;
    change[step + 2] -= scratch;
  }
  int64_t live = 0, peak = 0;
  for (int64_t delta : change) peak = std::max(peak, live += delta);
  return static_cast<size_t>(peak);
}

std::vector<size_t> memory_aware_order(const Dataflow& flow, size_t max_states) {
  std::vector<size_t> current(flow.ops.size());
  std::iota(current.begin(), current.end(), size_t{0});
  std::vector<size_t> best = Scheduler(flow, max_states).solve();
  if (best.empty() || peak_live_bytes(flow, best) >= peak_live_bytes(flow, current)) return current;
  return best;
}

}  // namespace tinyc::exec
