// Unstructured pruning as a PruneMethod: a unit is one Conv/Gemm weight tensor. Its weights are
// zeroed by obs_prune with the second moments of the layer's inputs on the calibration rows, so
// the weights that matter least to the layer's outputs go first and the rest of each output's
// weights absorb their loss. Shapes never change, so nothing downstream needs rewriting.
#include <numeric>

#include "exec/capture.h"
#include "passes/prune/channels.h"
#include "passes/prune/method.h"
#include "passes/prune/obs.h"
#include "passes/prune/output_error.h"
#include "passes/prune/patches.h"
#include "passes/transposed_product.h"

namespace tinyc::passes {

namespace {

// One obs_factor per group of the layer, from its input `x`; for a layer of another form, a unit
// factor (zeroing by magnitude with no compensation).
std::vector<Eigen::MatrixXd> layer_factors(const ir::Node& n, const ir::Tensor& x) {
  const std::optional<PatchGeometry> geometry = patch_geometry(n);
  if (!geometry) {
    const Eigen::Index columns = weight_matrix(n).cols();
    return {Eigen::MatrixXd::Identity(columns, columns)};
  }
  const std::vector<Sample> samples = draw_samples(*geometry, x.shape()[0]);
  std::vector<Eigen::MatrixXd> factors;
  for (int64_t g = 0; g < geometry->groups; ++g) {
    const Eigen::MatrixXd p = gather_patches(*geometry, x, samples, geometry->groups, g);
    factors.push_back(obs_factor(gram(p)));
  }
  return factors;
}

class UnstructuredMethod : public PruneMethod {
 public:
  UnstructuredMethod(const ir::Graph& g, const PruneOptions& options, const std::vector<ir::Tensor>& rows) {
    std::vector<const ir::Node*> nodes;
    std::vector<std::string> inputs;
    for (const ir::Node* n : g.topological_order()) {
      if (!is_prunable_layer(*n)) continue;
      nodes.push_back(n);
      inputs.push_back(n->input(0)->name);
      layers_.push_back(n->name);
      sizes_.push_back(n->input(1)->constant().num_elements());
      all_.weights += sizes_.back();
      const ir::Shape& out = n->output(0)->shape.value_or(ir::Shape{});
      int64_t positions = 1;
      for (size_t d = 2; n->op_type == "Conv" && d < out.size(); ++d) positions *= out[d];
      all_.macs += sizes_.back() * positions;
    }
    const std::vector<ir::Tensor> captured = exec::capture_values(g, rows, inputs, options.executor);
    for (size_t i = 0; i < nodes.size(); ++i) factors_.push_back(layer_factors(*nodes[i], captured[i]));
  }

  size_t unit_count() const override { return layers_.size(); }
  std::string unit_name(size_t unit) const override { return layers_[unit]; }
  int64_t unit_size(size_t unit) const override { return sizes_[unit]; }

  void prune_unit(ir::Graph& g, size_t unit, int64_t count) const override {
    ir::Node* n = g.find_node(layers_[unit]);
    write_weights(g, n, obs_prune(factors_[unit], weight_matrix(*n), count));
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
  std::vector<std::vector<Eigen::MatrixXd>> factors_;
  Resources all_;
};

}  // namespace

std::unique_ptr<PruneMethod> make_unstructured_method(const ir::Graph& g, const PruneOptions& options,
                                                      const std::vector<ir::Tensor>& rows) {
  return std::make_unique<UnstructuredMethod>(g, options, rows);
}

}  // namespace tinyc::passes
