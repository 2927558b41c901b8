// refit_layer on layers whose inputs are unchanged, so the refit must find the original weights
// again: a depthwise Conv, a grouped Conv and a plain Conv; and a depthwise Conv with weights
// zeroed (masked: as many zeros per channel as before).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "exec/shape_inference.h"
#include "passes/pass_test_util.h"
#include "passes/prune/output_error.h"
#include "passes/prune/reconstruct.h"
#include "passes/rewrite_util.h"
#include "prune_test_graphs.h"

using namespace tinyc;
using namespace tinyc::passes;
using namespace tinyc::passes::testing;

namespace {

// x[1, channels, 6, 6] -> conv (channels -> outputs, 3x3, pads 1, group) -> y.
std::unique_ptr<ir::Graph> one_conv(int64_t channels, int64_t outputs, int64_t group) {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, channels, 6, 6});
  g->add_output(add_conv(*g, "conv", x, channels, outputs, 3, group, 7)->output(0));
  exec::infer_shapes(*g);
  return g;
}

std::vector<double> weights_of(const ir::Graph& g) { return float_values(g.find_node("conv")->input(1)); }

// Scales every weight by 0.5 and zeroes every third one when `zero` is set.
void disturb(ir::Graph& g, bool zero) {
  ir::Node* n = g.find_node("conv");
  std::vector<double> w = weights_of(g);
  for (size_t i = 0; i < w.size(); ++i) w[i] = zero && i % 3 == 0 ? 0.0 : 0.5 * w[i];
  set_constant_input(g, n, 1, float_tensor(n->input(1)->constant().shape(), w), "conv_weight");
}

LayerRefit refit(ir::Graph& pruned, const ir::Graph& original, int64_t outputs, bool masked) {
  const ir::Tensor input = random_tensor({64, original.inputs()[0]->shape->at(1), 6, 6}, 11);
  RefitData data;
  data.original = original.find_node("conv");
  data.original_input = &input;
  data.pruned_input = &input;
  data.kept_outputs.resize(static_cast<size_t>(outputs));
  std::iota(data.kept_outputs.begin(), data.kept_outputs.end(), int64_t{0});
  data.masked = masked;
  return refit_layer(pruned, "conv", data);
}

double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

}  // namespace

TEST_CASE("prune refit: a depthwise and a grouped Conv get their weights back from their outputs", "[prune]") {
  for (const auto& [channels, outputs, group] :
       std::vector<std::tuple<int64_t, int64_t, int64_t>>{{8, 8, 8}, {4, 6, 2}, {3, 5, 1}}) {
    INFO(channels << " -> " << outputs << ", group " << group);
    const auto original = one_conv(channels, outputs, group);
    const auto pruned = original->clone();
    disturb(*pruned, false);
    const LayerRefit r = refit(*pruned, *original, outputs, false);
    CHECK(r.applied);
    CHECK(r.error_after < 1e-3 * r.error_before);
    CHECK(max_difference(weights_of(*pruned), weights_of(*original)) < 2e-3);
  }
}

TEST_CASE("prune refit: a masked refit keeps each channel's count of zeros", "[prune]") {
  const auto original = one_conv(8, 8, 8);
  const auto pruned = original->clone();
  disturb(*pruned, true);
  const auto disturbed = pruned->clone();
  const LayerRefit r = refit(*pruned, *original, 8, true);
  CHECK(r.applied);
  CHECK(r.error_after < r.error_before);
  // Each channel keeps its count of zeros (the refit may move them, see obs_prune and swap_support);
  // fewer weights cannot reproduce the outputs, but they get far closer than the halved ones.
  const std::vector<double> before = weights_of(*disturbed), after = weights_of(*pruned);
  for (size_t channel = 0; channel < 8; ++channel)
    CHECK(std::count(after.begin() + 9 * channel, after.begin() + 9 * (channel + 1), 0.0) ==
          std::count(before.begin() + 9 * channel, before.begin() + 9 * (channel + 1), 0.0));
  CHECK(r.error_after < 0.5 * r.error_before);
}
