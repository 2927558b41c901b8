// Acceptance of pruning on the corpus conv models: fold, prune by half on the Fashion-MNIST
// calibration rows (structured or unstructured), quantize to int8 with the default pipeline, and
// compare top-1 with the float model on the first kEvalRows test rows. Structured must remove at
// least 45 % of the params and 40 % of the MACs (lib/report statistics) and lose at most 2 points;
// unstructured at most 0.5 points. Numbers go to <build>/prune_corpus_<model>_<granularity>.json.
#include <catch2/catch.hpp>
#include <tuple>
#include <nlohmann/json.hpp>

#include "exec/executor.h"
#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "passes/default_pipelines.h"
#include "passes/pass_context.h"
#include "passes/pass_test_util.h"
#include "passes/pipeline.h"
#include "passes/prune/prune.h"
#include "report/metrics.h"
#include "report/model_stats.h"
#include "support/test_support.h"

using namespace tinyc;

namespace {

constexpr int64_t kEvalRows = 1000;
constexpr double kRounding = 1e-9;  // a drop of exactly the bound passes despite rounding of the percentages

// Top-1 of the float and the compressed model on the same labelled rows, in percent.
std::pair<double, double> top1_pct(const ir::Tensor& float_logits, const ir::Graph& compressed, const ir::Tensor& rows,
                                   const std::vector<int64_t>& labels) {
  const ir::Tensor logits = exec::Executor(compressed).run({rows}).front();
  const report::Metrics m = report::compute_metrics({"output"}, report::OutputTask::Classification, {float_logits},
                                                    {logits}, rows, &labels);
  return {*m.classification->top1_float_pct, *m.classification->top1_compressed_pct};
}

struct Outcome {
  double float_top1 = 0, pruned_top1 = 0;  // percent
  double params_removed = 0, macs_removed = 0;
};

Outcome prune_and_quantize(const std::string& model, passes::PruneGranularity granularity) {
  auto imported = onnx_format::import_model_file(test::corpus_model_path(model));
  ir::Graph& g = *imported.graph;
  exec::infer_shapes(g);
  passes::testing::run_passes(g, passes::default_folding_pipeline());
  const ir::Tensor calib = io::read_npy(test::corpus_dir() / "data/fmnist_calib.npy");
  const ir::Tensor eval = ir::slice_rows(io::read_npy(test::corpus_dir() / "data/fmnist_test_2k.npy"), 0, kEvalRows);
  const std::vector<int64_t> labels =
      ir::slice_rows(io::read_npy(test::corpus_dir() / "data/fmnist_test_2k_labels.npy"), 0, kEvalRows).to_int64();

  Outcome o;
  const ir::Tensor float_logits = exec::Executor(g).run({eval}).front();
  const report::ModelStats before = report::compute_model_stats(g);
  passes::PruneOptions options;
  options.granularity = granularity;
  const passes::PruneReport report = passes::prune_graph(g, options, {calib});
  CHECK(report.achieved_ratio() >= 0.5);
  const report::ModelStats after = report::compute_model_stats(g);
  o.params_removed = 1.0 - static_cast<double>(after.params) / static_cast<double>(before.params);
  o.macs_removed = 1.0 - static_cast<double>(after.macs) / static_cast<double>(before.macs);

  passes::PassContext context;
  context.calibration_inputs.push_back(calib);
  passes::run_pipeline(g, passes::parse_pipeline(passes::default_int8_pipeline()), {}, &context);
  std::tie(o.float_top1, o.pruned_top1) = top1_pct(float_logits, g, eval, labels);

  // One file per case: ctest runs the cases as parallel processes.
  const std::string granularity_text = passes::granularity_name(granularity);
  const std::filesystem::path summary_path =
      std::filesystem::path(TINYC_BINARY_DIR) / ("prune_corpus_" + model + "_" + granularity_text + ".json");
  const nlohmann::json summary = {{"float_top1_pct", o.float_top1},
                                  {"int8_pruned_top1_pct", o.pruned_top1},
                                  {"params_removed", o.params_removed},
                                  {"macs_removed", o.macs_removed},
                                  {"prunable_removed", report.achieved_ratio()},
                                  {"eval_rows", kEvalRows}};
  test::write_bytes(summary_path, summary.dump(2) + "\n");
  return o;
}

void check_structured(const std::string& model) {
  const Outcome o = prune_and_quantize(model, passes::PruneGranularity::Structured);
  INFO(model << ": float " << o.float_top1 << ", pruned int8 " << o.pruned_top1 << ", params -" << o.params_removed
             << ", MACs -" << o.macs_removed);
  CHECK(o.params_removed >= 0.45);
  CHECK(o.macs_removed >= 0.40);
  CHECK(o.float_top1 - o.pruned_top1 <= 2.0 + kRounding);
}

void check_unstructured(const std::string& model) {
  const Outcome o = prune_and_quantize(model, passes::PruneGranularity::Unstructured);
  INFO(model << ": float " << o.float_top1 << ", pruned int8 " << o.pruned_top1);
  CHECK(o.float_top1 - o.pruned_top1 <= 0.5 + kRounding);
}

}  // namespace

TEST_CASE("prune: fmnist_cnn_bn structured 0.5 + int8 loses at most 2 points", "[prune][corpus][slow]") {
  check_structured("fmnist_cnn_bn");
}
TEST_CASE("prune: fmnist_dscnn structured 0.5 + int8 loses at most 2 points", "[prune][corpus][slow]") {
  check_structured("fmnist_dscnn");
}
TEST_CASE("prune: fmnist_resnet8 structured 0.5 + int8 loses at most 2 points", "[prune][corpus][slow]") {
  check_structured("fmnist_resnet8");
}
TEST_CASE("prune: fmnist_cnn_bn unstructured 0.5 + int8 loses at most 0.5 points", "[prune][corpus][slow]") {
  check_unstructured("fmnist_cnn_bn");
}
TEST_CASE("prune: fmnist_dscnn unstructured 0.5 + int8 loses at most 0.5 points", "[prune][corpus][slow]") {
  check_unstructured("fmnist_dscnn");
}
TEST_CASE("prune: fmnist_resnet8 unstructured 0.5 + int8 loses at most 0.5 points", "[prune][corpus][slow]") {
  check_unstructured("fmnist_resnet8");
}
