// quantize_int8 on every corpus model: fold, calibrate on the shared calibration rows (512
// Fashion-MNIST / 300 digits), quantize, and compare the float simulation of the int8 graph with the
// float graph on the first 500 test rows (top-1, or ROC AUC for the autoencoder). Data-free ranges
// and equalization + bias correction are measured too. Numbers go to
// <build>/quantize_corpus_summary.json.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "calib/data_free.h"
#include "calib/simulate.h"
#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "ir/verify.h"
#include "pass_test_util.h"
#include "passes/default_pipelines.h"
#include "passes/pass_context.h"
#include "passes/pipeline.h"
#include "report/metrics.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::passes::testing;
using nlohmann::json;

namespace {

constexpr int64_t kEvalRows = 500;
// Largest loss of top-1 (or of ROC AUC) allowed: half a point with calibration, six points with
// data-free ranges (fmnist_cnn_bn loses about five).
constexpr double kMaxDrop = 0.005;
constexpr double kMaxDataFreeDrop = 0.06;

// The model's evaluation rows with their labels and the float model's outputs on them.
struct Task {
  bool anomaly = false;
  std::vector<int64_t> labels;
  ir::Tensor inputs;
  ir::Tensor float_outputs;
};

// The task metric of the float model and of `g` (report::compute_metrics): top-1 accuracy as a
// fraction, or the autoencoder's ROC AUC with classes 5-9 as the anomalies.
std::pair<double, double> metrics(const ir::Graph& g, const Task& t) {
  const ir::Tensor out = run_float(g, {t.inputs}).front();
  const report::OutputTask kind = t.anomaly ? report::OutputTask::Reconstruction : report::OutputTask::Classification;
  const report::Metrics m =
      report::compute_metrics({"output"}, kind, {t.float_outputs}, {out}, t.inputs, &t.labels, {0, 1, 2, 3, 4});
  if (t.anomaly) return {m.anomaly->auc_float, m.anomaly->auc_compressed};
  return {*m.classification->top1_float_pct / 100, *m.classification->top1_compressed_pct / 100};
}

// Quantizes a copy of the folded graph with the pipeline text and context; returns the float
// simulation's metric and the quantized graph's facts.
struct Quantized {
  double metric = 0;
  double seconds = 0;
  json facts;
};

Quantized quantize_and_measure(const ir::Graph& folded, const std::string& pipeline, passes::PassContext& context,
                               const Task& task) {
  auto g = folded.clone();
  const auto start = std::chrono::steady_clock::now();
  passes::PassResult last;
  for (const passes::PipelineStep& step : passes::parse_pipeline(pipeline)) {
    last = step.info->create(step.options)->run_with_context(*g, context);
    if (step.info->name != "quantize_int8") exec::infer_shapes(*g);
  }
  Quantized q;
  q.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ir::verify_or_throw(*g, "after " + pipeline);
  std::map<std::string, int> methods;
  for (const auto& [name, r] : context.calibration->ranges) ++methods[std::string(calib::method_name(r.method))];
  int float_linear = 0;
  for (const ir::Node* n : g->nodes())
    if ((n->op_type == "Conv" || n->op_type == "Gemm") && n->output(0)->dtype != ir::DType::Int8) ++float_linear;
  q.facts = {{"int8_nodes", last.rewrites},
             {"float_nodes", last.declined},
             {"methods", methods},
             {"float_conv_or_gemm", float_linear},
             {"bytes_saved", last.bytes_saved}};
  q.metric = metrics(*calib::simulate_in_float(*g), task).second;
  return q;
}

}  // namespace

TEST_CASE("quantize_int8 keeps every corpus model's accuracy in float simulation", "[slow]") {
  json summary = json::object();
  for (const auto& [name, info] : test::corpus_manifest().at("models").items()) {
    INFO("model " << name);
    auto imported = onnx_format::import_model_file(test::corpus_model_path(name));
    ir::Graph& g = *imported.graph;
    exec::infer_shapes(g);
    const auto unfolded = g.clone();
    run_passes(g, passes::default_folding_pipeline());

    Task task;
    task.anomaly = info.at("task") == "anomaly-detection";
    task.inputs =
        ir::slice_rows(io::read_npy(test::corpus_dir() / info.at("eval_data").get<std::string>()), 0, kEvalRows);
    const ir::Tensor labels =
        ir::slice_rows(io::read_npy(test::corpus_dir() / info.at("eval_labels").get<std::string>()), 0, kEvalRows);
    task.labels = labels.to_int64();
    task.float_outputs = run_float(g, {task.inputs}).front();
    const double float_metric = metrics(g, task).first;

    passes::PassContext context;
    context.calibration_inputs.push_back(io::read_npy(test::corpus_dir() / info.at("calib_data").get<std::string>()));
    const Quantized calibrated = quantize_and_measure(g, "quantize_int8", context, task);
    const double calibration_seconds = context.calibration->seconds;
    CHECK(calibrated.facts.at("float_conv_or_gemm") == 0);
    CHECK(calibrated.facts.at("float_nodes").empty());
    CHECK(float_metric - calibrated.metric <= kMaxDrop);

    const Quantized equalized =
        quantize_and_measure(g, "equalize_cross_layer,bias_correction,quantize_int8", context, task);
    CHECK(float_metric - equalized.metric <= kMaxDrop);

    json entry = {{"float", float_metric},
                  {"auto",
                   {{"metric", calibrated.metric},
                    {"calibration_seconds", calibration_seconds},
                    {"rows", context.calibration_inputs[0].shape()[0]},
                    {"facts", calibrated.facts}}},
                  {"cle_bias_correction_auto", {{"metric", equalized.metric}, {"seconds", equalized.seconds}}}};
    for (const char* method : {"minmax", "percentile", "entropy", "mse"}) {
      const Quantized m = quantize_and_measure(g, std::string("quantize_int8(calib=") + method + ")", context, task);
      entry[method] = {{"metric", m.metric}, {"seconds", m.seconds}};
    }
    bool has_bn = false;
    for (const ir::Node* n : unfolded->nodes()) has_bn = has_bn || n->op_type == "BatchNormalization";
    if (has_bn) {
      passes::PassContext data_free;
      data_free.activation_ranges = calib::data_free_ranges(*unfolded);
      const Quantized d = quantize_and_measure(g, "quantize_int8", data_free, task);
      CHECK(d.facts.at("float_conv_or_gemm") == 0);
      CHECK(float_metric - d.metric <= kMaxDataFreeDrop);
      entry["data_free"] = {{"metric", d.metric}};
    }
    summary[name] = entry;
  }
  test::write_bytes(std::filesystem::path(TINYC_BINARY_DIR) / "quantize_corpus_summary.json", summary.dump(2) + "\n");
}
