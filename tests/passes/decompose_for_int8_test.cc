// decompose_for_int8: LayerNormalization becomes its definition's ops with the same outputs (up to
// float rounding), Gelu becomes x * sigmoid(1.702 x) within its approximation bound, and the int8
// pipeline then quantizes every op of a transformer block.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "pass_test_util.h"
#include "passes/default_pipelines.h"
#include "passes/graphs_transformer.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

std::unique_ptr<ir::Graph> layer_norm_graph(int64_t opset, int64_t axis, bool bias) {
  auto g = new_graph(opset);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {2, 3, 4, 5});
  const ir::Shape tail = axis == -1 ? ir::Shape{5} : ir::Shape{4, 5};
  std::vector<ir::Value*> inputs{x, add_random_constant(*g, "scale", tail, 2)};
  if (bias) inputs.push_back(add_random_constant(*g, "bias", tail, 3));
  ir::Node* ln = g->add_node("LayerNormalization", inputs, {"y"}, "ln");
  ln->attrs["axis"] = axis;
  g->add_output(ln->output(0));
  exec::infer_shapes(*g);
  return g;
}

}  // namespace

TEST_CASE("decompose_for_int8 writes LayerNormalization as MEAN, SUB, MUL, RSQRT and ADD, same outputs") {
  const int64_t opset = GENERATE(17, 18);
  const int64_t axis = GENERATE(-1, 2);
  const bool bias = GENERATE(true, false);
  auto g = layer_norm_graph(opset, axis, bias);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "decompose_for_int8");
  CHECK(summaries[0].result.rewrites == 1);
  CHECK(count_ops(*g, "LayerNormalization") == 0);
  CHECK(count_ops(*g, "ReduceMean") == 2);
  CHECK(count_ops(*g, "Pow") == 1);
  CHECK(count_ops(*g, "Mul") == 3);
  CHECK(count_ops(*g, "Add") == (bias ? 2 : 1));
  const ir::Node* last = g->outputs()[0]->producer();
  CHECK(last->name == "ln");
  CHECK(last->op_type == (bias ? "Add" : "Mul"));
  CHECK(output_difference(*before, *g, 5, 1) < 1e-5);
}

TEST_CASE("decompose_for_int8 leaves a LayerNormalization whose Mean output is read") {
  auto g = new_graph(17);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {2, 8});
  ir::Node* ln = g->add_node("LayerNormalization", {x, add_random_constant(*g, "scale", {8}, 2)}, {"y", "mean"}, "ln");
  g->add_output(ln->output(0));
  g->add_output(ln->output(1));
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "decompose_for_int8");
  CHECK(summaries[0].result.rewrites == 0);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0] == "ln: its Mean or InvStdDev output is read");
}

TEST_CASE("decompose_for_int8 writes Gelu as x * sigmoid(1.702 x), within 0.021 of either form") {
  const std::string form = GENERATE("none", "tanh");
  auto g = new_graph(13);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 400});
  ir::Node* gelu = g->add_node("Gelu", {x}, {"y"}, "gelu");
  gelu->attrs["approximate"] = form;
  g->add_output(gelu->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "decompose_for_int8");
  CHECK(count_ops(*g, "Sigmoid") == 1);
  CHECK(count_ops(*g, "Mul") == 2);
  CHECK(g->outputs()[0]->producer()->name == "gelu");
  // x in [-6, 6): the approximation's largest gap (0.020 near x = -2.27) is inside.
  ir::Tensor rows(ir::DType::Float32, {1, 400});
  for (int i = 0; i < 400; ++i) rows.mutable_values<float>()[static_cast<size_t>(i)] = -6.0f + 0.03f * static_cast<float>(i);
  const auto want = run_float(*before, {rows});
  const auto got = run_float(*g, {rows});
  double worst = 0;
  for (size_t i = 0; i < 400; ++i)
    worst = std::max(worst, std::abs(static_cast<double>(want[0].values<float>()[i]) - got[0].values<float>()[i]));
  CHECK(worst < 0.021);
  CHECK(worst > 0.015);  // the approximation is not the exact function
}

TEST_CASE("the int8 pipeline leaves no float op in a transformer block") {
  auto g = transformer_block(GeluForm::ErfChain);
  passes::PassContext context = calibration_rows(*g, 32, 7);
  passes::run_pipeline(*g, passes::parse_pipeline(passes::default_int8_pipeline("minmax")), {}, &context);
  for (const ir::Node* n : g->nodes()) {
    if (n->op_type == "QuantizeLinear" || n->op_type == "DequantizeLinear") continue;
    INFO(n->name << " (" << n->op_type << ")");
    CHECK(n->output(0)->dtype == ir::DType::Int8);
  }
  CHECK(count_ops(*g, "Pow") == 2);
  CHECK(count_ops(*g, "Sigmoid") == 1);
}

TEST_CASE("decompose_for_int8 gives a layer normalization exported below opset 17 int8 forms, same outputs") {
  auto g = exported_layer_norm();
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "decompose_for_int8");
  CHECK(summaries[0].result.rewrites == 2);
  CHECK(count_ops(*g, "Sqrt") == 0);
  CHECK(count_ops(*g, "Div") == 0);
  CHECK(count_ops(*g, "Pow") == 1);  // the inverse square root
  CHECK(g->find_node("normalized")->op_type == "Mul");
  CHECK(g->find_node("squared")->op_type == "Mul");
  CHECK(output_difference(*before, *g, 8, 1) < 1e-5);
  auto q = exported_layer_norm();
  passes::PassContext context = calibration_rows(*q, 32, 7);
  passes::run_pipeline(*q, passes::parse_pipeline(passes::default_int8_pipeline("minmax")), {}, &context);
  for (const ir::Node* n : q->nodes())
    if (n->op_type != "QuantizeLinear" && n->op_type != "DequantizeLinear") CHECK(n->output(0)->dtype == ir::DType::Int8);
}
