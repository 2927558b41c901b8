// The int8 LSTM: decompose_for_int8 leaves a forward LSTM computing Y only (Y_h as Y's last step,
// same outputs), quantize_int8 gives it per-gate weight scales, a combined int32 bias and a
// power-of-two cell-state scale sized on the calibration rows, and the int8 model follows the float
// one; the configurations TFLite Micro's kernel does not take stay float, each with its reason.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <set>

#include "exec/capture.h"
#include "exec/int8_reference/int8_lstm.h"
#include "exec/kernels/lstm_cell_extent.h"
#include "exec/shape_inference.h"
#include "pass_test_util.h"
#include "passes/default_pipelines.h"
#include "passes/graphs_sequence.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

std::unique_ptr<ir::Graph> quantized(std::unique_ptr<ir::Graph> g, passes::PassResult* declines = nullptr) {
  passes::PassContext context = calibration_rows(*g, 32, 7);
  const auto summaries =
      passes::run_pipeline(*g, passes::parse_pipeline(passes::default_int8_pipeline("minmax")), {}, &context);
  if (declines)
    for (const auto& s : summaries)
      if (s.name == "quantize_int8") *declines = s.result;
  return g;
}

}  // namespace

TEST_CASE("decompose_for_int8 leaves a forward LSTM with Y only, Y_h its last step, same outputs") {
  auto g = sequence_classifier(false);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "decompose_for_int8");
  CHECK(summaries[0].result.rewrites == 1);
  const ir::Node* lstm = g->find_node("recurrent");
  REQUIRE(lstm != nullptr);
  CHECK(lstm->outputs().size() == 1);
  CHECK(count_ops(*g, "Slice") == 1);
  CHECK(g->find_value("Y_h")->producer()->op_type == "Reshape");
  CHECK(output_difference(*before, *g, 3, 1) < 1e-6);
}

TEST_CASE("quantize_int8 gives an LSTM per-gate weight scales, a summed bias and a calibrated cell-state scale") {
  auto float_model = sequence_classifier(false);
  const auto q = quantized(float_model->clone());
  const ir::Node* lstm = q->find_node("recurrent");
  REQUIRE(lstm != nullptr);
  CHECK(lstm->output(0)->dtype == ir::DType::Int8);
  CHECK(lstm->input(0)->dtype == ir::DType::Int8);
  for (size_t slot : {size_t{1}, size_t{2}}) {
    const ir::QuantParams& wq = *lstm->input(slot)->quant;
    REQUIRE(wq.scale.size() == 24);
    CHECK(wq.axis == 1);
    CHECK(std::set<float>(wq.scale.begin(), wq.scale.end()).size() == 4);  // one per gate
  }
  const auto bias = lstm->input(3)->constant().values<int32_t>();
  REQUIRE(bias.size() == 48);
  for (size_t j = 24; j < 48; ++j) CHECK(bias[j] == 0);  // both halves summed into the first
  // The cell-state scale: the smallest power of two that holds the largest |c| on the calibration rows.
  passes::PassContext rows = calibration_rows(*float_model, 32, 7);
  auto decomposed = float_model->clone();
  run_passes(*decomposed, "decompose_for_int8");
  exec::infer_shapes(*decomposed);
  const std::vector<ir::Tensor> x = exec::capture_values(*decomposed, rows.calibration_inputs, {"time_major"}, {});
  const double extent = exec::kernels::lstm_cell_extent(*decomposed->find_node("recurrent"), x[0].values<float>());
  const int64_t log2 = lstm->attr_int(exec::int8_reference::kCellScaleLog2Attribute, 99);
  INFO("largest |c| " << extent << ", scale 2^" << log2);
  CHECK(extent > 0.1);
  CHECK(std::ldexp(32767.0, static_cast<int>(log2)) >= extent);
  CHECK(std::ldexp(32767.0, static_cast<int>(log2) - 1) < extent);
  // The int8 model follows the float one.
  CHECK(output_difference(*float_model, *q, 5, 1) < 0.05);
}

TEST_CASE("LSTM configurations TFLite Micro's int8 kernel does not take stay float with the reason") {
  const std::vector<std::pair<std::string, std::function<void(ir::Graph&, ir::Node&)>>> cases = {
      {"runs forward only", [](ir::Graph&, ir::Node& n) { n.attrs["direction"] = std::string("reverse"); }},
      {"clip bounds the gate inputs", [](ir::Graph&, ir::Node& n) { n.attrs["clip"] = 3.0f; }},
      {"no coupled input and forget gate", [](ir::Graph&, ir::Node& n) { n.attrs["input_forget"] = int64_t{1}; }},
      {"starts from a zero state",
       [](ir::Graph& g, ir::Node& n) {
         g.set_node_input(&n, 4, nullptr);
         g.set_node_input(&n, 5, add_random_constant(g, "h0", {1, 1, 6}, 9));
       }},
  };
  for (const auto& [reason, change] : cases) {
    INFO(reason);
    auto g = sequence_classifier(false);
    change(*g, *g->find_node("recurrent"));
    exec::infer_shapes(*g);
    passes::PassResult result;
    const auto q = quantized(std::move(g), &result);
    CHECK(q->find_node("recurrent")->output(0)->dtype == ir::DType::Float32);
    bool named = false;
    for (const std::string& d : result.declined) named = named || (d.find("recurrent") == 0 && d.find(reason) != std::string::npos);
    CHECK(named);
  }
}
