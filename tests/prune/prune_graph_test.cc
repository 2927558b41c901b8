// prune_graph and the prune pass on small seeded graphs: the ratio is met, zero channels go first
// under L1 ranking without changing outputs, the least-squares refit lowers the output error on rows
// it never saw, unstructured pruning keeps shapes and its zeros, and bad options are rejected.
#include <catch2/catch.hpp>

#include "ir/fingerprint.h"
#include "ir/tensor_rows.h"
#include "passes/pass_context.h"
#include "passes/pass_test_util.h"
#include "passes/pipeline.h"
#include "passes/prune/prune.h"
#include "passes/prune/output_error.h"
#include "prune_test_graphs.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::passes;
using namespace tinyc::passes::testing;

namespace {

// Rows whose 3 channels mix 2 underlying signals, so pruned channels are partly predictable from
// the kept ones (as in real activations) and a refit has something to recover.
ir::Tensor correlated_rows(int64_t rows, int64_t size, uint32_t seed) {
  const ir::Tensor base = random_tensor({rows, 2, size, size}, seed);
  const auto b = base.values<float>();
  std::vector<float> v;
  const size_t plane = static_cast<size_t>(size * size);
  for (int64_t r = 0; r < rows; ++r) {
    const float* s0 = b.data() + static_cast<size_t>(r) * 2 * plane;
    const float* s1 = s0 + plane;
    for (size_t i = 0; i < plane; ++i) v.push_back(s0[i]);
    for (size_t i = 0; i < plane; ++i) v.push_back(s1[i]);
    for (size_t i = 0; i < plane; ++i) v.push_back(0.6f * s0[i] - 0.8f * s1[i]);
  }
  return ir::Tensor::from_vector<float>({rows, 3, size, size}, v);
}

int64_t zero_weights(const ir::Graph& g) {
  int64_t zeros = 0;
  for (const ir::Node* n : g.nodes())
    if (n->op_type == "Conv" || n->op_type == "Gemm")
      for (float w : n->input(1)->constant().values<float>()) zeros += w == 0.0f;
  return zeros;
}

double error_on(const ir::Graph& reference, const ir::Graph& pruned, const ir::Tensor& rows) {
  return compare_outputs(run_float(reference, {rows}), run_float(pruned, {rows})).relative;
}

}  // namespace

TEST_CASE("prune: L1 ranking removes all-zero channels first and the outputs stay the same", "[prune]") {
  auto g = chain_graph();
  zero_output_channels(*g, "convA", {2, 5});
  const auto before = g->clone();
  PruneOptions options;
  options.ratio = 0.25;  // 2 of convA's 8 channels: 2 x (27 + 36) = 126 of 504 weights
  options.ranking = ChannelRanking::L1;
  options.reconstruct = false;
  const PruneReport report = prune_graph(*g, options, {correlated_rows(32, 8, 1)});
  CHECK(report.prunable_before == 504);
  CHECK(report.prunable_after == 378);
  REQUIRE(report.layers.size() == 1);
  CHECK(report.layers[0].name == "convA");
  CHECK(report.layers[0].units_after == 6);
  CHECK(report.declined == std::vector<std::string>{"convB: its channels reach the graph output 'convB_out'"});
  CHECK(g->find_node("convB")->input(1)->constant().shape() == ir::Shape{4, 6, 3, 3});
  CHECK(output_difference(*before, *g, 3, 4) < 1e-6);
}

TEST_CASE("prune: the least-squares refit lowers the output error on held-out rows", "[prune]") {
  auto with_refit = residual_graph();
  const auto original = with_refit->clone();
  auto without_refit = residual_graph();
  const ir::Tensor calibration = correlated_rows(256, 8, 2);
  const ir::Tensor held_out = correlated_rows(128, 8, 3);
  PruneOptions options;
  options.ratio = 0.4;
  options.reconstruct = false;
  const PruneReport plain = prune_graph(*without_refit, options, {calibration});
  options.reconstruct = true;
  const PruneReport refit = prune_graph(*with_refit, options, {calibration});
  // The refit also enters the sensitivity curves, so the two runs may choose different layer ratios.
  CHECK(plain.achieved_ratio() >= 0.4);
  CHECK(refit.achieved_ratio() >= 0.4);
  CHECK(plain.refits.empty());
  REQUIRE(!refit.refits.empty());
  int applied = 0;
  for (const LayerRefit& r : refit.refits) {
    INFO(r.name);
    if (r.applied) ++applied;
    CHECK(r.error_after <= r.error_before);
  }
  CHECK(applied > 0);
  const double e_plain = error_on(*original, *without_refit, held_out);
  const double e_refit = error_on(*original, *with_refit, held_out);
  CHECK(e_refit < 0.8 * e_plain);
}

TEST_CASE("prune: unstructured pruning zeroes the ratio of weights and keeps every shape", "[prune]") {
  auto g = residual_graph();
  const auto original = g->clone();
  PruneOptions options;
  options.ratio = 0.5;
  options.granularity = PruneGranularity::Unstructured;
  const PruneReport report = prune_graph(*g, options, {correlated_rows(128, 8, 4)});
  CHECK(report.prunable_before == 864);
  CHECK(report.prunable_after == 432);
  CHECK(zero_weights(*g) >= 432);  // the masked refit keeps every zero
  for (const ir::Node* n : original->nodes())
    if (n->op_type == "Conv" || n->op_type == "Gemm")
      CHECK(g->find_node(n->name)->input(1)->constant().shape() == n->input(1)->constant().shape());
  REQUIRE(report.notes.size() == 1);
  CHECK(report.notes[0].find("the TFLite blob, the C array and the MACs do not shrink") != std::string::npos);
  CHECK(error_on(*original, *g, correlated_rows(64, 8, 5)) < 0.5);
}

TEST_CASE("prune: the pass runs from a pipeline with calibration rows in the context", "[prune]") {
  auto g = residual_graph();
  PassContext context;
  context.calibration_inputs.push_back(correlated_rows(64, 8, 6));
  const auto summaries = run_pipeline(*g, parse_pipeline("prune(ratio=0.3,ranking=l2)"), {}, &context);
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].result.rewrites >= 1);
  CHECK(summaries[0].result.bytes_saved > 0);
  CHECK(summaries[0].result.declined.size() == 1);
}

TEST_CASE("prune: bad options and missing calibration data are input errors", "[prune]") {
  auto g = chain_graph();
  PruneOptions options;
  options.ratio = 1.0;
  CHECK(test::input_error_of([&] { prune_graph(*g, options, {correlated_rows(4, 8, 1)}); }) ==
        "prune ratio must be between 0 and 1 (exclusive), got 1.000000");
  options.ratio = 0.5;
  CHECK(test::input_error_of([&] { prune_graph(*g, options, {}); }) ==
        "pruning needs calibration data (--calib <.npy or folder>)");
  CHECK(test::input_error_of([] { parse_granularity("blocks", "--prune-granularity"); }) ==
        "--prune-granularity: 'blocks' is not a pruning granularity; use structured or unstructured");
  CHECK(test::input_error_of([&] {
          auto h = chain_graph();
          PassContext none;
          parse_pipeline("prune")[0].info->create({})->run_with_context(*h, none);
        }) == "pruning needs calibration data (--calib <.npy or folder>)");
}

TEST_CASE("prune pass: one sensitivity analysis serves every ratio of the same graph, and gives what a fresh one gives",
          "[prune]") {
  const auto base = chain_graph();
  const ir::Tensor rows = correlated_rows(48, 8, 7);
  PassContext shared;
  shared.calibration_inputs = {rows};
  shared.measurements = std::make_shared<MeasurementCache>();
  for (const char* ratio : {"0.25", "0.5"}) {
    INFO(ratio);
    const std::string step = std::string("prune(ratio=") + ratio + ")";
    auto cached = base->clone();
    run_pipeline(*cached, parse_pipeline(step), {}, &shared);
    auto fresh = base->clone();
    PassContext alone;
    alone.calibration_inputs = {rows};
    run_pipeline(*fresh, parse_pipeline(step), {}, &alone);
    CHECK(ir::fingerprint(*cached) == ir::fingerprint(*fresh));
    CHECK(ir::fingerprint(*cached) != ir::fingerprint(*base));
    CHECK(shared.measurements->size() == 1);
  }
  // A changed graph is analysed anew, not served the other graph's analysis.
  auto changed = base->clone();
  zero_output_channels(*changed, "convA", {1});
  run_pipeline(*changed, parse_pipeline("prune(ratio=0.5)"), {}, &shared);
  CHECK(shared.measurements->size() == 2);
  // So is the same graph under options the analysis depends on.
  auto other_rows = base->clone();
  run_pipeline(*other_rows, parse_pipeline("prune(ratio=0.5,sensitivity_rows=16)"), {}, &shared);
  CHECK(shared.measurements->size() == 3);
}

TEST_CASE("prune: the sensitivity points run in parallel, with the results of one thread", "[prune]") {
  const auto base = residual_graph();
  const ir::Tensor rows = correlated_rows(48, 8, 9);
  std::vector<double> snr[2];
  uint64_t pruned[2] = {};
  for (int threads : {1, 2}) {
    PruneOptions options;
    options.executor.threads = threads;
    for (const LayerSensitivity& layer : analyze_sensitivity(*base, options, {0.25, 0.5, 0.75}, {rows}))
      for (const SensitivityPoint& point : layer.curve) snr[threads - 1].push_back(point.snr_db);
    auto g = base->clone();
    prune_graph(*g, options, {rows});
    pruned[threads - 1] = ir::fingerprint(*g);
  }
  CHECK(snr[0].size() >= 6);
  CHECK(snr[0] == snr[1]);
  CHECK(pruned[0] == pruned[1]);
  CHECK(pruned[0] != ir::fingerprint(*base));
}
