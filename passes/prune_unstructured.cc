// Unstructured pruning as a PruneMethod: a unit is one Conv/Gemm weight tensor; its elements are
// zeroed in ascending |w| order. Shapes never change, so nothing downstream needs rewriting.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "passes/prune_channels.h"
#include "passes/prune_method.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

class UnstructuredMethod : public PruneMethod {
 public:
  explicit UnstructuredMethod(const ir::Graph& g) {
    for (const ir::Node* n : g.topological_order()) {
      if (!is_prunable_layer(*n)) continue;
      layers_.push_back(n->name);
      sizes_.push_back(n->input(1)->constant().num_elements());
      all_.weights += sizes_.back();
      const ir::Shape& out = n->output(0)->shape.value_or(ir::Shape{});
      int64_t positions = 1;
      for (size_t d = 2; n->op_type == "Conv" && d < out.size(); ++d) positions *= out[d];
      all_.macs += sizes_.back() * positions;
    }
  }

  size_t unit_count() const override { return layers_.size(); }
  std::string unit_name(size_t unit) const override { return layers_[unit]; }
  int64_t unit_size(size_t unit) const override { return sizes_[unit]; }

  void prune_unit(ir::Graph& g, size_t unit, int64_t count) const override {
    ir::Node* n = g.find_node(layers_[unit]);
    std::vector<double> w = float_values(n->input(1));
    std::vector<size_t> order(w.size());
    std::iota(order.begin(), order.end(), 0);
    const auto k = static_cast<size_t>(std::min<int64_t>(count, static_cast<int64_t>(w.size())));
    std::nth_element(order.begin(), order.begin() + static_cast<long>(k), order.end(),
                     [&](size_t a, size_t b) { return std::fabs(w[a]) < std::fabs(w[b]); });
    for (size_t i = 0; i < k; ++i) w[order[i]] = 0;
    set_constant_input(g, n, 1, float_tensor(n->input(1)->constant().shape(), w), n->name + "_weight");
  }

  Resources prunable() const override { return all_; }
  Resources removed(const std::vector<int64_t>& counts) const override {
    return {std::accumulate(counts.begin(), counts.end(), int64_t{0}), 0};
  }

  std::vector<std::string> apply(ir::Graph& g, const std::vector<int64_t>& counts) const override {
    std::vector<std::string> pruned;
    for (size_t u = 0; u < layers_.size(); ++u) {
      if (counts[u] == 0) continue;
      prune_unit(g, u, counts[u]);
      pruned.push_back(layers_[u]);
    }
    return pruned;
  }

  std::vector<int64_t> kept_outputs(const ir::Graph& original, const std::string& node,
                                    const std::vector<int64_t>&) const override {
    return all_output_channels(*original.find_node(node));
  }

  bool masked() const override { return true; }
  std::vector<std::string> declined() const override { return {}; }

 private:
  std::vector<std::string> layers_;
  std::vector<int64_t> sizes_;
  Resources all_;
};

}  // namespace

std::unique_ptr<PruneMethod> make_unstructured_method(const ir::Graph& g) {
  return std::make_unique<UnstructuredMethod>(g);
}

}  // namespace tinyc::passes
