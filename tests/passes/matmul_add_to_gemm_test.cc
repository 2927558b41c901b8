// matmul_add_to_gemm: 2-D MatMul by a constant plus a constant bias becomes one Gemm; N-D products,
// row-varying biases and shared products are left alone.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

TEST_CASE("matmul_add_to_gemm fuses MatMul and a bias Add into Gemm(A, B, C)") {
  for (bool bias_first : {false, true}) {
    DYNAMIC_SECTION("bias is Add input " << (bias_first ? 0 : 1)) {
      auto g = new_graph();
      ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
      ir::Value* w = add_random_constant(*g, "w", {4, 3}, 1);
      ir::Value* bias = add_random_constant(*g, "bias", {1, 3}, 2);
      ir::Node* mm = g->add_node("MatMul", {x, w}, {"h"}, "mm");
      ir::Node* add = g->add_node(
          "Add",
          bias_first ? std::vector<ir::Value*>{bias, mm->output(0)} : std::vector<ir::Value*>{mm->output(0), bias},
          {"y"}, "add");
      g->add_output(add->output(0));
      exec::infer_shapes(*g);
      const auto before = g->clone();
      const auto summaries = run_passes(*g, "matmul_add_to_gemm");
      CHECK(summaries[0].result.rewrites == 1);
      REQUIRE(g->node_count() == 1);
      const ir::Node* gemm = g->nodes()[0];
      CHECK(gemm->op_type == "Gemm");
      CHECK(gemm->name == "mm");
      CHECK(gemm->inputs() == std::vector<ir::Value*>{x, w, bias});
      CHECK(gemm->attrs.empty());
      CHECK(gemm->output(0)->name == "y");
      CHECK(output_difference(*before, *g, 3) < 1e-6);
    }
  }
}

TEST_CASE("matmul_add_to_gemm must not fire outside 2-D products with a per-column bias") {
  auto g = new_graph();
  std::string reason;
  SECTION("3-D input") {
    ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 4});
    ir::Node* mm = g->add_node("MatMul", {x, add_random_constant(*g, "w", {4, 3}, 1)}, {"h"}, "mm");
    g->add_output(g->add_node("Add", {mm->output(0), add_random_constant(*g, "b", {3}, 2)}, {"y"})->output(0));
    reason = "not a 2-D product";
  }
  SECTION("bias varies along rows") {
    ir::Value* x = g->add_input("x", ir::DType::Float32, {2, 4});
    ir::Node* mm = g->add_node("MatMul", {x, add_random_constant(*g, "w", {4, 3}, 1)}, {"h"}, "mm");
    g->add_output(g->add_node("Add", {mm->output(0), add_random_constant(*g, "b", {2, 3}, 2)}, {"y"})->output(0));
    reason = "varies along rows";
  }
  SECTION("the product has another user") {
    ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
    ir::Node* mm = g->add_node("MatMul", {x, add_random_constant(*g, "w", {4, 3}, 1)}, {"h"}, "mm");
    g->add_output(g->add_node("Add", {mm->output(0), add_random_constant(*g, "b", {3}, 2)}, {"y"})->output(0));
    g->add_output(mm->output(0));
    reason = "other users";
  }
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "matmul_add_to_gemm");
  CHECK(summaries[0].result.rewrites == 0);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0].find(reason) != std::string::npos);
  CHECK(count_ops(*g, "MatMul") == 1);
  CHECK(count_ops(*g, "Gemm") == 0);
}
