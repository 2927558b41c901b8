// The default folding pipeline: it names every folding pass once, and its order lets the passes
// feed each other (a Linear layer written as MatMul + Add, then BN, a scale and ReLU, ends as one Gemm).
#include "passes/default_pipelines.h"

#include <catch2/catch.hpp>
#include <set>

#include "exec/shape_inference.h"
#include "pass_test_util.h"
#include "passes/pipeline.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

TEST_CASE("the default folding pipeline parses and runs every float-preserving pass once") {
  const auto steps = passes::parse_pipeline(passes::default_folding_pipeline());
  std::set<std::string> names;
  for (const auto& step : steps) CHECK(names.insert(step.info->name).second);
  // Every pass but the quantization and pruning ones, which need calibration data or change the numbers.
  CHECK(names.size() == passes::registered_passes().size() - 5);
  for (const char* opt_in : {"equalize_cross_layer", "decompose_for_int8", "bias_correction", "quantize_int8", "prune"})
    CHECK(names.count(opt_in) == 0);
  CHECK(steps.front().info->name == "fold_constants");
  CHECK(steps.back().info->name == "eliminate_dead");
}

TEST_CASE("the default int8 pipeline is the folding pipeline, then decompose_for_int8, bias_correction and quantize_int8") {
  const auto steps = passes::parse_pipeline(passes::default_int8_pipeline());
  REQUIRE(steps.size() == passes::parse_pipeline(passes::default_folding_pipeline()).size() + 3);
  CHECK(steps[steps.size() - 3].info->name == "decompose_for_int8");
  CHECK(steps[steps.size() - 2].info->name == "bias_correction");
  CHECK(steps.back().info->name == "quantize_int8");
  CHECK(steps.back().options.get_string("calib", "") == "auto");
  CHECK(passes::parse_pipeline(passes::default_int8_pipeline("mse")).back().options.get_string("calib", "") == "mse");
  // Without calibration rows there is nothing to correct biases with.
  const auto data_free = passes::parse_pipeline(passes::default_data_free_int8_pipeline());
  CHECK(data_free.size() == steps.size() - 1);
  CHECK(data_free[data_free.size() - 2].info->name == "decompose_for_int8");
  CHECK(data_free.back().info->name == "quantize_int8");
}

TEST_CASE("the default folding pipeline folds MatMul + Add + BN + Mul + Relu into one Gemm") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 6});
  ir::Value* v = g->add_node("MatMul", {x, add_random_constant(*g, "w", {6, 4}, 1)}, {"mm"}, "fc")->output(0);
  v = g->add_node("Add", {v, add_random_constant(*g, "bias", {4}, 2)}, {"biased"})->output(0);
  ir::Tensor var = random_tensor({4}, 6);
  for (float& s : var.mutable_values<float>()) s = s * s + 0.5f;
  v = g->add_node("BatchNormalization",
                  {v, add_random_constant(*g, "gamma", {4}, 3), add_random_constant(*g, "beta", {4}, 4),
                   add_random_constant(*g, "mean", {4}, 5), g->add_constant("var", var)},
                  {"bn"})
          ->output(0);
  v = g->add_node("Mul", {v, add_random_constant(*g, "k", {1, 4}, 7)}, {"scaled"})->output(0);
  g->add_output(g->add_node("Relu", {v}, {"y"})->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  for (const auto& s : run_passes(*g, passes::default_folding_pipeline())) CHECK(s.result.declined.empty());
  REQUIRE(g->node_count() == 1);
  const ir::Node* gemm = g->nodes()[0];
  CHECK(gemm->op_type == "Gemm");
  CHECK(gemm->attr_string("fused_activation", "") == "Relu");
  CHECK(gemm->output(0)->name == "y");
  CHECK(g->constants().size() == 2);  // weights and bias; the rest was folded and collected
  CHECK(output_difference(*before, *g, 8) < 1e-5);
}
