// int8 quantization acceptance on the whole corpus: the default int8 pipeline, calibrated on each
// model's calibration split, evaluated by the int8 executor against the float model on the full test
// split. Limits: top-1 may drop at most 0.3 points (anomaly AUC 0.005); int8 weight tensors take a
// quarter of their float bytes. The table goes to <build>/int8_acceptance.json (docs/quantization.md).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "passes/default_pipelines.h"
#include "passes/pass_manager.h"
#include "report/evaluate_models.h"
#include "report/model_stats.h"
#include "support/test_support.h"

using namespace tinyc;

namespace {

constexpr double kMaxTop1DropPoints = 0.3;
constexpr double kMaxAucDrop = 0.005;

ir::Tensor corpus_npy(const nlohmann::json& info, const char* field) {
  return io::read_npy(test::corpus_dir() / info.at(field).get<std::string>());
}

// Bytes of the weight tensors (the constant input 1 of every Conv and Gemm), biases left out.
int64_t weight_tensor_bytes(const ir::Graph& g) {
  int64_t bytes = 0;
  for (const ir::Node* n : g.nodes())
    if ((n->op_type == "Conv" || n->op_type == "Gemm") && n->inputs().size() > 1 && n->input(1)->is_constant())
      bytes += n->input(1)->constant().byte_size();
  return bytes;
}

}  // namespace

TEST_CASE("int8 keeps every corpus model's accuracy on its full test split", "[corpus][int8][slow]") {
  nlohmann::json table;
  for (const auto& [name, info] : test::corpus_manifest()["models"].items()) {
    INFO(name);
    auto original = onnx_format::import_model_file(test::corpus_model_path(name)).graph;
    exec::infer_shapes(*original);
    auto g = original->clone();
    passes::run_pipeline(*g, passes::parse_pipeline(passes::default_folding_pipeline()));
    const int64_t float_weight_bytes = weight_tensor_bytes(*g);

    passes::PassContext context;
    context.calibration_inputs.push_back(corpus_npy(info, "calib_data"));
    passes::run_pipeline(*g, passes::parse_pipeline(passes::default_int8_pipeline()), {}, &context);

    const ir::Tensor rows = corpus_npy(info, "eval_data");
    const bool anomaly = info.at("task") == "anomaly-detection";
    const report::EvaluationPlan plan =
        report::plan_evaluation(*original, rows, corpus_npy(info, "eval_labels"), "labels",
                                anomaly ? info.at("normal_classes").get<std::vector<int64_t>>() : std::vector<int64_t>{});
    const report::Metrics m = report::evaluate_models(*original, *g, rows, plan).metrics;

    const report::ModelStats before = report::compute_model_stats(*original);
    const report::ModelStats after = report::compute_model_stats(*g);
    const double weight_ratio = static_cast<double>(weight_tensor_bytes(*g)) / static_cast<double>(float_weight_bytes);
    CHECK(weight_ratio == Approx(0.25));
    nlohmann::json row{{"rows", m.rows},
                       {"weight_bytes_float", before.weight_bytes_stored},
                       {"weight_bytes_int8", after.weight_bytes_stored},
                       {"weight_ratio_with_biases", static_cast<double>(after.weight_bytes_stored) /
                                                        static_cast<double>(before.weight_bytes_stored)},
                       {"snr_db", m.outputs[0].snr_db}};
    if (anomaly) {
      REQUIRE(m.anomaly);
      CHECK(m.anomaly->auc_float == Approx(info.at("float_auc").at("onnxruntime").get<double>()).epsilon(1e-6));
      CHECK(m.anomaly->auc_float - m.anomaly->auc_compressed <= kMaxAucDrop);
      row["auc_float"] = m.anomaly->auc_float;
      row["auc_int8"] = m.anomaly->auc_compressed;
    } else {
      REQUIRE(m.classification);
      const report::ClassificationMetrics& c = *m.classification;
      CHECK(*c.top1_float_pct == Approx(100.0 * info.at("float_top1").at("onnxruntime").get<double>()).epsilon(1e-9));
      CHECK(-*c.top1_delta_points() <= kMaxTop1DropPoints);
      row["top1_float_pct"] = *c.top1_float_pct;
      row["top1_int8_pct"] = *c.top1_compressed_pct;
      row["agreement_pct"] = c.agreement_pct;
    }
    table[name] = row;
  }
  test::write_bytes(std::filesystem::path(TINYC_BINARY_DIR) / "int8_acceptance.json", table.dump(2) + "\n");
}
