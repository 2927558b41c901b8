// Structured pruning as a PruneMethod: a unit is a channel group (prune_channels.h); its channels
// go in ascending score order (prune_importance.h).
#include <algorithm>

#include "passes/prune/channels.h"
#include "passes/prune/importance.h"
#include "passes/prune/method.h"

namespace tinyc::passes {

namespace {

class StructuredMethod : public PruneMethod {
 public:
  StructuredMethod(const ir::Graph& g, const PruneOptions& options, const std::vector<ir::Tensor>& rows)
      : channels_(g) {
    const std::vector<double> score = channel_scores(g, channels_, options.ranking, rows, options.executor);
    for (const ChannelGroup& group : channels_.groups()) {
      if (!group.locked_because.empty()) {
        declined_.push_back(group.name + ": " + group.locked_because);
        continue;
      }
      if (group.classes.size() < 2) {
        declined_.push_back(group.name + ": it has a single channel");
        continue;
      }
      std::vector<int> order = group.classes;
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return score[a] < score[b]; });
      names_.push_back(group.name);
      order_.push_back(std::move(order));
    }
    all_ = channels_.size(std::vector<char>(static_cast<size_t>(channels_.num_classes()), 1));
  }

  size_t unit_count() const override { return order_.size(); }
  std::string unit_name(size_t unit) const override { return names_[unit]; }
  int64_t unit_size(size_t unit) const override { return static_cast<int64_t>(order_[unit].size()); }

  void prune_unit(ir::Graph& g, size_t unit, int64_t count) const override {
    std::vector<int64_t> counts(order_.size(), 0);
    counts[unit] = count;
    apply(g, counts);
  }

  Resources prunable() const override { return all_; }
  Resources removed(const std::vector<int64_t>& counts) const override {
    const Resources left = channels_.size(keep(counts));
    return {all_.weights - left.weights, all_.macs - left.macs};
  }

  std::vector<std::string> apply(ir::Graph& g, const std::vector<int64_t>& counts) const override {
    return channels_.apply(g, keep(counts));
  }

  std::vector<int64_t> kept_outputs(const ir::Graph& original, const std::string& node,
                                    const std::vector<int64_t>& counts) const override {
    return channels_.kept_outputs(original, node, keep(counts));
  }

  bool masked() const override { return false; }
  std::vector<std::string> declined() const override { return declined_; }

 private:
  std::vector<char> keep(const std::vector<int64_t>& counts) const {
    std::vector<char> k(static_cast<size_t>(channels_.num_classes()), 1);
    for (size_t u = 0; u < order_.size(); ++u)
      for (int64_t i = 0; i < counts[u]; ++i) k[static_cast<size_t>(order_[u][static_cast<size_t>(i)])] = 0;
    return k;
  }

  ChannelGraph channels_;
  std::vector<std::string> names_;
  std::vector<std::vector<int>> order_;
  std::vector<std::string> declined_;
  Resources all_;
};

}  // namespace

std::unique_ptr<PruneMethod> make_structured_method(const ir::Graph& g, const PruneOptions& options,
                                                    const std::vector<ir::Tensor>& rows) {
  return std::make_unique<StructuredMethod>(g, options, rows);
}

}  // namespace tinyc::passes
