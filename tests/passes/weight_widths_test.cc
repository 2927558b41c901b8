// quantize_int8 with weight_bits=4 / auto and rounding=optimal: which layers get 4-bit weights and
// why, the weights' range and scales, and on a real model the output error (int8 executor against
// the float model) that optimal rounding saves and the bar that auto keeps.
#include <catch2/catch.hpp>

#include <iostream>

#include "exec/executor.h"
#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "ir/tensor_rows.h"
#include "ir/verify.h"
#include "pass_test_util.h"
#include "passes/default_pipelines.h"
#include "passes/pass_context.h"
#include "passes/pass_manager.h"
#include "passes/pipeline.h"
#include "passes/prune/output_error.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

// x[1,4,6,6] -> Conv 4->6 3x3 -> Conv depthwise multiplier 2 (group 6, 12 outputs) -> Flatten
//   -> Gemm 432->5
std::unique_ptr<ir::Graph> three_layers() {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4, 6, 6});
  ir::Node* conv = g->add_node(
      "Conv", {x, add_random_constant(*g, "w", {6, 4, 3, 3}, 1), add_random_constant(*g, "b", {6}, 2)}, {"c"}, "conv");
  conv->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  ir::Node* dw = g->add_node("Conv",
                             {conv->output(0), add_random_constant(*g, "dw", {12, 1, 3, 3}, 3),
                              add_random_constant(*g, "db", {12}, 4)},
                             {"d"}, "depthwise");
  dw->attrs["group"] = int64_t{6};
  dw->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  ir::Value* f = g->add_node("Flatten", {dw->output(0)}, {"f"}, "flatten")->output(0);
  g->add_output(g->add_node("Gemm",
                            {f, add_random_constant(*g, "gw", {5, 432}, 5), add_random_constant(*g, "gb", {5}, 6)},
                            {"y"}, "fc")
                    ->output(0));
  g->find_node("fc")->attrs["transB"] = int64_t{1};
  exec::infer_shapes(*g);
  return g;
}

void quantize(ir::Graph& g, passes::PassContext& context, const std::string& options) {
  passes::run_pipeline(g, passes::parse_pipeline("quantize_int8(" + options + ")"), {}, &context);
  ir::verify_or_throw(g, "after quantize_int8");
}

const ir::Value* weights_of(const ir::Graph& g, const std::string& node) { return g.find_node(node)->input(1); }

// The outputs of `quantized` against `float_graph`'s on `rows`: SNR and top-1 agreement.
passes::OutputError output_error(const ir::Graph& float_graph, const ir::Graph& quantized, const ir::Tensor& rows) {
  return passes::compare_outputs(exec::Executor(float_graph).run({rows}), exec::Executor(quantized).run({rows}));
}

// digits_cnn folded (the graph quantize_int8 is given in the default pipeline), and its
// calibration rows.
std::unique_ptr<ir::Graph> folded_digits_cnn() {
  auto g = onnx_format::import_model_file(test::corpus_model_path("digits_cnn")).graph;
  exec::infer_shapes(*g);
  passes::run_pipeline(*g, passes::parse_pipeline(passes::default_folding_pipeline()), {}, nullptr);
  return g;
}

ir::Tensor digits_calibration_rows() { return io::read_npy(test::corpus_dir() / "data/digits_calib.npy"); }

}  // namespace

TEST_CASE("weight_bits=4: Conv weights per channel and Gemm weights per tensor within 7 and marked 4-bit. A depthwise "
          "Conv with multiplier 2 stays 8-bit with the reason",
          "[passes][int4]") {
  for (const std::string rounding : {"nearest", "optimal"}) {
    INFO(rounding);
    auto g = three_layers();
    passes::PassContext context = calibration_rows(*g, 64, 9);
    quantize(*g, context, "weight_bits=4,rounding=" + rounding);
    const ir::Value* conv = weights_of(*g, "conv");
    const ir::Value* fc = weights_of(*g, "fc");
    const ir::Value* dw = weights_of(*g, "depthwise");
    CHECK(conv->quant->bits == 4);
    CHECK(conv->quant->scale.size() == 6);
    CHECK(fc->quant->bits == 4);
    CHECK(fc->quant->scale.size() == 1);
    CHECK(dw->quant->bits == 8);
    for (const ir::Value* w : {conv, fc})
      for (int8_t v : w->constant().values<int8_t>()) REQUIRE((v >= -7 && v <= 7));
    CHECK(conv->stored_bytes() == 108);  // 216 values, two per byte
    REQUIRE(context.weights);
    REQUIRE(context.weights->layers.size() == 3);
    CHECK(context.weights->layers[1].layer == "depthwise");
    CHECK(context.weights->layers[1].why.find("depth multiplier 2") != std::string::npos);
  }
}

TEST_CASE("rounding=optimal without calibration rows, and unknown widths, are refused", "[passes][int4]") {
  auto g = three_layers();
  passes::PassContext none;
  none.activation_ranges = calib::RangeMap{};
  CHECK_THROWS_WITH(quantize(*g, none, "weight_bits=4,rounding=optimal"), Catch::Contains("calibration rows"));
  CHECK_THROWS_WITH(quantize(*g, none, "weight_bits=auto"), Catch::Contains("calibration rows"));
  passes::PassContext context = calibration_rows(*g, 8, 9);
  CHECK_THROWS_WITH(quantize(*g, context, "weight_bits=2"), Catch::Contains("use 8 or 4"));
  CHECK_THROWS_WITH(quantize(*g, context, "rounding=best"), Catch::Contains("use nearest or optimal"));
}

TEST_CASE("digits_cnn at 4 bits: optimal rounding loses less output SNR than nearest on held-out rows, and gives "
          "the same graph every run",
          "[passes][int4][corpus]") {
  const ir::Tensor all = digits_calibration_rows();
  const ir::Tensor calibration = ir::slice_rows(all, 0, 200), held_out = ir::slice_rows(all, 200, all.shape()[0]);
  auto reference = folded_digits_cnn();
  std::map<std::string, double> snr;
  std::vector<int8_t> first_weights;
  for (const std::string rounding : {"nearest", "optimal", "optimal"}) {
    auto g = folded_digits_cnn();
    passes::PassContext context;
    context.calibration_inputs.push_back(calibration);
    quantize(*g, context, "weight_bits=4,rounding=" + rounding);
    snr[rounding] = output_error(*reference, *g, held_out).snr_db;
    const ir::Value* w = weights_of(*g, context.weights->layers.front().layer);
    const auto values = w->constant().values<int8_t>();
    if (rounding == "optimal" && first_weights.empty())
      first_weights.assign(values.begin(), values.end());
    else if (rounding == "optimal")
      CHECK(std::vector<int8_t>(values.begin(), values.end()) == first_weights);
  }
  std::cout << "digits_cnn, 4-bit weights, held-out SNR: nearest " << snr["nearest"] << " dB, optimal " << snr["optimal"]
            << " dB\n";
  CHECK(snr["optimal"] > snr["nearest"] + 2.0);
}

TEST_CASE("digits_cnn with weight_bits=auto: the chosen widths keep top-1 agreement >= 99 % on the calibration rows, "
          "and every layer says why",
          "[passes][int4][corpus]") {
  const ir::Tensor rows = digits_calibration_rows();
  auto reference = folded_digits_cnn();
  auto g = folded_digits_cnn();
  passes::PassContext context;
  context.calibration_inputs.push_back(rows);
  std::vector<std::pair<int64_t, int64_t>> steps;
  context.progress = [&](const std::string& task, int64_t done, int64_t total) {
    CHECK(task == "choosing weight widths");
    steps.emplace_back(done, total);
  };
  quantize(*g, context, "weight_bits=auto,rounding=optimal");
  REQUIRE(context.weights);
  // One step per whole-model run, then the end.
  const auto runs = context.weights->int8_runs;
  REQUIRE(steps.size() == static_cast<size_t>(runs) + 1);
  for (int64_t i = 0; i < runs; ++i) CHECK(steps[static_cast<size_t>(i)] == std::pair<int64_t, int64_t>{i + 1, runs});
  CHECK(steps.back() == std::pair<int64_t, int64_t>{runs, runs});
  int four = 0;
  for (const passes::LayerWidth& l : context.weights->layers) {
    INFO(l.layer);
    CHECK(weights_of(*g, l.layer)->quant->bits == l.bits);
    CHECK(l.error_at_4.has_value());
    CHECK(!l.why.empty());
    four += l.bits == 4;
  }
  CHECK(four > 0);
  CHECK(context.weights->int8_runs == static_cast<int64_t>(context.weights->layers.size()) + 1);
  CHECK(output_error(*reference, *g, rows).agreement >= 0.99);
  CHECK(context.weights->criterion.find("top-1 agreement") == 0);
}
