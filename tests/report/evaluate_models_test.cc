// The evaluation driver on corpus models: a folded copy agrees with the original, a damaged copy is
// caught at the damaged layer, chunking does not change the numbers, and an autoencoder's anomaly
// AUC matches the corpus's ONNX Runtime figure.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "passes/pass_manager.h"
#include "report/evaluate_models.h"
#include "support/test_support.h"

using namespace tinyc;

namespace {

std::unique_ptr<ir::Graph> load(const std::string& name) {
  auto g = std::move(onnx_format::import_model_file(test::corpus_model_path(name)).graph);
  exec::infer_shapes(*g);
  return g;
}

// A copy of g after `pipeline` ("" = an unchanged copy).
std::unique_ptr<ir::Graph> folded(const ir::Graph& g, const std::string& pipeline) {
  auto copy = g.clone();
  if (!pipeline.empty()) passes::run_pipeline(*copy, passes::parse_pipeline(pipeline));
  return copy;
}

// A copy whose weight (input 1) of `node` is scaled by `factor`.
std::unique_ptr<ir::Graph> damaged(const ir::Graph& g, const std::string& node, float factor) {
  auto copy = g.clone();
  ir::Value* w = copy->find_node(node)->input(1);
  ir::Tensor t = w->constant();
  for (float& v : t.mutable_values<float>()) v *= factor;
  copy->set_constant(w, t);
  return copy;
}

ir::Tensor data(const std::string& file) { return io::read_npy(test::corpus_dir() / "data" / file); }

double manifest_top1(const std::string& model) {
  return 100.0 * test::corpus_manifest()["models"][model]["float_top1"]["onnxruntime"].get<double>();
}

}  // namespace

TEST_CASE("digits_cnn with BatchNorm folded agrees with the original") {
  const auto original = load("digits_cnn");
  const auto folded_bn = folded(*original, "fold_batchnorm");
  const ir::Tensor rows = data("digits_test.npy");
  const report::EvaluationPlan plan = report::plan_evaluation(*original, rows, data("digits_test_labels.npy"), "labels");
  CHECK(plan.task == report::OutputTask::Classification);
  CHECK(plan.classes == 10);
  std::vector<int64_t> progress;
  report::EvaluationOptions options;
  options.progress = [&](int64_t done, int64_t total) {
    CHECK(total == 797);
    progress.push_back(done);
  };
  const report::Evaluation e = report::evaluate_models(*original, *folded_bn, rows, plan, options);

  const report::Metrics& m = e.metrics;
  CHECK(m.rows == 797);
  REQUIRE(m.classification);
  CHECK(m.classification->agreement_pct == 100.0);
  CHECK(m.classification->confusion.empty());
  CHECK(*m.classification->top1_float_pct == Approx(manifest_top1("digits_cnn")).epsilon(1e-9));
  CHECK(*m.classification->top1_delta_points() == 0.0);
  CHECK(m.outputs[0].snr_db > 80);
  CHECK(m.outputs[0].cosine == Approx(1.0).epsilon(1e-9));
  CHECK(m.outputs[0].max_abs_error < 1e-3);
  // 797 rows in chunks of at most 256.
  CHECK(progress == std::vector<int64_t>{256, 512, 768, 797});

  // Every value is compared and nearly exact: a folded conv's output took the name of the BatchNorm
  // output it now computes, so it lines up with that value of the original.
  const report::LayerErrorTable& t = e.layers;
  CHECK(t.layers.size() == folded_bn->node_count());
  for (const auto& l : t.layers) {
    INFO(l.name);
    CHECK(l.snr_db > 80);
    CHECK(l.uncompared_nodes.empty());
  }
  CHECK(t.skipped.empty());
  CHECK(t.worst == -1);  // folding only reorders float rounding
  const auto folded_conv = std::find_if(t.layers.begin(), t.layers.end(), [](const report::LayerError& l) {
    return l.name == "/features/features.1/BatchNormalization_output_0";
  });
  REQUIRE(folded_conv != t.layers.end());
  CHECK(folded_conv->op == "Conv");
  CHECK(folded_conv->node == "/features/features.0/Conv");
}

TEST_CASE("chunk size does not change the evaluation") {
  const auto original = load("digits_mlp");
  const auto damaged_copy = damaged(*original, original->topological_order()[1]->name, 1.05f);
  const ir::Tensor rows = data("digits_test.npy");
  const report::EvaluationPlan plan = report::plan_evaluation(*original, rows, data("digits_test_labels.npy"), "labels");
  report::EvaluationOptions small;
  small.max_chunk_rows = 37;
  const report::Evaluation a = report::evaluate_models(*original, *damaged_copy, rows, plan);
  const report::Evaluation b = report::evaluate_models(*original, *damaged_copy, rows, plan, small);
  CHECK(a.metrics.outputs[0].snr_db == Approx(b.metrics.outputs[0].snr_db).epsilon(1e-9));
  CHECK(a.metrics.classification->agreement_pct == b.metrics.classification->agreement_pct);
  REQUIRE(a.layers.layers.size() == b.layers.layers.size());
  for (size_t i = 0; i < a.layers.layers.size(); ++i)
    CHECK(a.layers.layers[i].snr_db == Approx(b.layers.layers[i].snr_db).epsilon(1e-9));
  CHECK(a.layers.worst == b.layers.worst);
}

TEST_CASE("a weight scaled by 1.1 makes its layer the worst", "[slow]") {
  // Every Conv and Gemm in turn, on models with BatchNorm, ReLU6 clips, depthwise convs and plain
  // MLPs, and on a folded model whose conv outputs are not compared (the row after them covers them).
  struct Case {
    std::string model, data, pipeline;
  };
  const std::vector<Case> cases{{"digits_cnn", "digits_test.npy", ""},
                                {"digits_mlp", "digits_test.npy", ""},
                                {"fmnist_dscnn", "fmnist_calib.npy", ""},
                                {"digits_cnn", "digits_test.npy", "fold_batchnorm,fuse_activation"}};
  for (const auto& [model, file, pipeline] : cases) {
    const auto original = load(model);
    const auto compressed = folded(*original, pipeline);
    const ir::Tensor rows = ir::slice_rows(data(file), 0, 128);
    const report::EvaluationPlan plan = report::plan_evaluation(*original, rows, std::nullopt, "");
    for (const ir::Node* node : compressed->topological_order()) {
      if (node->op_type != "Conv" && node->op_type != "Gemm") continue;
      INFO(model << " " << pipeline << ": damaged " << node->name);
      const report::Evaluation e =
          report::evaluate_models(*original, *damaged(*compressed, node->name, 1.1f), rows, plan);
      const report::LayerErrorTable& t = e.layers;
      REQUIRE(t.worst >= 0);
      const report::LayerError& worst = t.layers[t.worst];
      const auto& covered = worst.uncompared_nodes;
      CHECK((worst.node == node->name || std::find(covered.begin(), covered.end(), node->name) != covered.end()));
      // Without a bias, the damaged layer's own output is off by exactly 10 %: 20 dB.
      if (worst.node == node->name && !node->input(2)) CHECK(worst.snr_db == Approx(20.0).margin(1e-3));
      CHECK(e.metrics.outputs[0].snr_db < 40);
    }
  }
}

TEST_CASE("the autoencoder's anomaly AUC matches the corpus figure") {
  const auto original = load("fmnist_autoencoder");
  const auto folded_bn = folded(*original, "fold_batchnorm");
  const ir::Tensor rows = data("fmnist_test_2k.npy");
  const report::EvaluationPlan plan = report::plan_evaluation(*original, rows, data("fmnist_test_2k_labels.npy"),
                                                              "labels", {0, 1, 2, 3, 4});
  CHECK(plan.task == report::OutputTask::Reconstruction);
  const report::Evaluation e = report::evaluate_models(*original, *folded_bn, rows, plan);
  REQUIRE(e.metrics.anomaly);
  CHECK(e.metrics.anomaly->auc_float == Approx(0.9058).margin(5e-5));
  CHECK(e.metrics.anomaly->auc_compressed == Approx(e.metrics.anomaly->auc_float).margin(1e-4));
  CHECK(e.metrics.anomaly->anomaly_rows + e.metrics.anomaly->normal_rows == 2000);
  CHECK_FALSE(e.metrics.classification);
  CHECK(e.metrics.outputs[0].snr_db > 80);
}

TEST_CASE("labels that do not fit the data are refused before any row runs") {
  const auto original = load("digits_cnn");
  const ir::Tensor rows = data("digits_test.npy");
  CHECK(test::input_error_of([&] {
          report::plan_evaluation(*original, rows, data("digits_calib_labels.npy"), "calib_labels.npy");
        }).find("calib_labels.npy has shape 300") != std::string::npos);
  CHECK(test::input_error_of([&] {
          report::plan_evaluation(*original, rows, rows, "rows.npy");
        }).find("integer") != std::string::npos);
  std::vector<int64_t> bad(797, 3);
  bad[5] = 10;
  CHECK(test::input_error_of([&] {
          report::plan_evaluation(*original, rows, ir::Tensor::from_vector<int64_t>({797}, bad), "bad.npy");
        }).find("label 10 of row 5") != std::string::npos);
}

TEST_CASE("compare_with_reference gives the metrics evaluate_models gives, from one float run") {
  const auto original = load("digits_cnn");
  const auto damaged_copy = damaged(*original, original->topological_order().front()->name, 1.2f);
  const ir::Tensor rows = data("digits_test.npy");
  const report::EvaluationPlan plan = report::plan_evaluation(*original, rows, data("digits_test_labels.npy"), "labels");
  report::EvaluationOptions options;
  options.max_chunk_rows = 100;  // the reference's chunks need not be the evaluation's
  const report::ReferenceOutputs reference = report::run_reference(*original, rows, options);
  REQUIRE(reference.outputs.size() == 1);
  CHECK(reference.outputs[0].shape() == ir::Shape{797, 10});
  const report::Metrics full = report::evaluate_models(*original, *damaged_copy, rows, plan).metrics;
  const report::Metrics quick = report::compare_with_reference(reference, *damaged_copy, rows, plan, options);
  REQUIRE(quick.classification);
  CHECK(quick.rows == 797);
  CHECK(quick.classification->agreement_pct == full.classification->agreement_pct);
  CHECK(quick.classification->agreement_pct < 100.0);  // the damage shows
  CHECK(*quick.classification->top1_compressed_pct == *full.classification->top1_compressed_pct);
  CHECK(*quick.classification->top1_float_pct == *full.classification->top1_float_pct);
  CHECK(quick.outputs[0].snr_db == Approx(full.outputs[0].snr_db).epsilon(1e-9));
  CHECK(quick.outputs[0].max_abs_error == Approx(full.outputs[0].max_abs_error).epsilon(1e-9));
}
