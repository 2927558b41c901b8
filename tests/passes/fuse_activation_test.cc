// fuse_activation: Relu and constant Clip become typed attributes of their producer; the float
// executor applies the clamp after such a node; ONNX export writes it back as Relu/Clip so ONNX
// Runtime still runs the model with the same outputs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>

#include "exec/evaluate.h"
#include "exec/shape_inference.h"
#include "formats/onnx/export.h"
#include "formats/onnx/import.h"
#include "io/npy.h"
#include "pass_test_util.h"
#include "support/ort_compare.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// x[1,2,5,5] -> Conv(W[3,2,3,3], b) -> "c"
ir::Node* add_conv(ir::Graph& g) {
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 2, 5, 5});
  ir::Node* conv = g.add_node(
      "Conv", {x, add_random_constant(g, "w", {3, 2, 3, 3}, 1), add_random_constant(g, "b", {3}, 2)}, {"c"}, "conv");
  conv->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  return conv;
}

ir::Value* scalar(ir::Graph& g, const std::string& name, float v) {
  return g.add_constant(name, ir::Tensor::scalar(v));
}

void check_clamp(const ir::Node& n, const std::string& name, float lo, float hi) {
  CHECK(n.attr_string("fused_activation", "") == name);
  CHECK(n.attr_float("activation_min", 1234.0f) == lo);
  CHECK(n.attr_float("activation_max", 1234.0f) == hi);
}

}  // namespace

TEST_CASE("fuse_activation fuses Relu into a Conv") {
  auto g = new_graph();
  ir::Node* conv = add_conv(*g);
  g->add_output(g->add_node("Relu", {conv->output(0)}, {"y"}, "relu")->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  CHECK(run_passes(*g, "fuse_activation")[0].result.rewrites == 1);
  REQUIRE(g->node_count() == 1);
  check_clamp(*conv, "Relu", 0.0f, kInf);
  CHECK(conv->output(0)->name == "y");
  CHECK(output_difference(*before, *g, 3) < 1e-6);
}

TEST_CASE("fuse_activation names the clamp range: Relu6, Clip, and Relu for Clip(0, +inf)") {
  auto g = new_graph();
  ir::Node* conv = add_conv(*g);
  ir::Value* six =
      g->add_node("Clip", {conv->output(0), scalar(*g, "zero", 0), scalar(*g, "six", 6)}, {"r6"})->output(0);
  ir::Node* fc = g->add_node(
      "Gemm", {g->add_node("Flatten", {six}, {"flat"})->output(0), add_random_constant(*g, "fw", {75, 4}, 3)}, {"fc"},
      "fc");
  ir::Value* clip =
      g->add_node("Clip", {fc->output(0), scalar(*g, "lo", -0.5f), scalar(*g, "hi", 0.25f)}, {"cl"})->output(0);
  ir::Node* mm = g->add_node("MatMul", {clip, add_random_constant(*g, "mw", {4, 4}, 4)}, {"mm"}, "mm");
  ir::Value* upper = g->add_node("Clip", {mm->output(0), nullptr, scalar(*g, "one", 1.0f)}, {"up"})->output(0);
  ir::Node* add = g->add_node("Add", {upper, clip}, {"sum"}, "add");
  g->add_output(g->add_node("Clip", {add->output(0), g->find_value("zero")}, {"y"})->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "fuse_activation");
  CHECK(summaries[0].result.rewrites == 4);
  CHECK(summaries[0].result.declined.empty());
  CHECK(count_ops(*g, "Clip") == 0);
  check_clamp(*conv, "Relu6", 0.0f, 6.0f);
  check_clamp(*fc, "Clip", -0.5f, 0.25f);  // its clamped output feeds two nodes; both now read the Gemm
  CHECK(mm->input(0) == fc->output(0));
  CHECK(add->input(1) == fc->output(0));
  check_clamp(*mm, "Clip", -kInf, 1.0f);
  check_clamp(*add, "Relu", 0.0f, kInf);
  CHECK(output_difference(*before, *g, 5) < 1e-6);
}

TEST_CASE("fuse_activation reads Clip bounds from attributes before opset 11") {
  auto g = new_graph(10);
  ir::Node* conv = add_conv(*g);
  ir::Node* clip = g->add_node("Clip", {conv->output(0)}, {"y"}, "clip");
  clip->attrs["min"] = -1.0f;
  clip->attrs["max"] = 2.0f;
  g->add_output(clip->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fuse_activation");
  REQUIRE(g->node_count() == 1);
  check_clamp(*conv, "Clip", -1.0f, 2.0f);
  CHECK(output_difference(*before, *g, 6) < 1e-6);
}

TEST_CASE("fuse_activation must not fire on shared outputs, fused producers, runtime bounds or other ops") {
  auto g = new_graph();
  ir::Node* conv = add_conv(*g);
  bool expect_decline = true;
  SECTION("producer output has two users") {
    g->add_output(g->add_node("Relu", {conv->output(0)}, {"y"})->output(0));
    g->add_output(g->add_node("Sigmoid", {conv->output(0)}, {"side"})->output(0));
  }
  SECTION("producer already has a fused activation") {
    conv->attrs["fused_activation"] = std::string("Relu");
    conv->attrs["activation_min"] = 0.0f;
    conv->attrs["activation_max"] = kInf;
    g->add_output(g->add_node("Clip", {conv->output(0), scalar(*g, "lo", -1), scalar(*g, "hi", 1)}, {"y"})->output(0));
  }
  SECTION("Clip bound computed at run time") {
    ir::Value* hi = g->add_input("hi", ir::DType::Float32, {});
    g->add_output(g->add_node("Clip", {conv->output(0), scalar(*g, "lo", 0), hi}, {"y"})->output(0));
    expect_decline = false;
  }
  SECTION("producer without a fused kernel") {
    ir::Node* pool = g->add_node("MaxPool", {conv->output(0)}, {"p"});
    pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
    g->add_output(g->add_node("Relu", {pool->output(0)}, {"y"})->output(0));
    expect_decline = false;
  }
  exec::infer_shapes(*g);
  const size_t nodes = g->node_count();
  const auto summaries = run_passes(*g, "fuse_activation");
  CHECK(summaries[0].result.rewrites == 0);
  CHECK(summaries[0].result.declined.size() == (expect_decline ? 1u : 0u));
  CHECK(g->node_count() == nodes);
}

TEST_CASE("the float executor clamps the output of any node carrying activation_min/max") {
  auto plain = new_graph();
  plain->add_output(add_conv(*plain)->output(0));
  exec::infer_shapes(*plain);
  auto clamped = plain->clone();
  ir::Node* conv = clamped->find_node("conv");
  conv->attrs["activation_min"] = -0.25f;
  conv->attrs["activation_max"] = 0.5f;
  const std::vector<ir::Tensor> x{random_tensor({1, 2, 5, 5}, 9)};
  const ir::Tensor reference = run_float(*plain, x)[0];
  const ir::Tensor result = run_float(*clamped, x)[0];
  REQUIRE(result.shape() == reference.shape());
  int clamped_low = 0, clamped_high = 0;
  for (int64_t i = 0; i < result.num_elements(); ++i) {
    const float r = reference.values<float>()[i];
    CHECK(result.values<float>()[i] == std::min(std::max(r, -0.25f), 0.5f));
    clamped_low += r < -0.25f;
    clamped_high += r > 0.5f;
  }
  CHECK(clamped_low > 0);  // the test exercises both bounds
  CHECK(clamped_high > 0);
  SECTION("single-node evaluation (constant folding) clamps as well") {
    const ir::Tensor& w = clamped->find_value("w")->constant();
    const ir::Tensor& b = clamped->find_value("b")->constant();
    const ir::Tensor folded = exec::evaluate_node(*conv, {&x[0], &w, &b}, 13)[0];
    CHECK(folded == result);
  }
}

TEST_CASE("ONNX export writes a fused activation back as Relu/Clip that ONNX Runtime runs") {
  auto g = new_graph();
  ir::Node* conv = add_conv(*g);
  ir::Value* r6 =
      g->add_node("Clip", {conv->output(0), scalar(*g, "zero", 0), scalar(*g, "six", 6)}, {"r6"})->output(0);
  ir::Node* conv2 = g->add_node("Conv", {r6, add_random_constant(*g, "w2", {2, 3, 1, 1}, 7)}, {"c2"}, "conv2");
  g->add_output(g->add_node("Relu", {conv2->output(0)}, {"y"})->output(0));
  exec::infer_shapes(*g);
  const auto unfused = g->clone();
  run_passes(*g, "fuse_activation");
  REQUIRE(g->node_count() == 2);

  const auto reimported = onnx_format::import_model_bytes(onnx_format::export_model_bytes(*g), ".");
  const ir::Graph& back = *reimported.graph;
  std::vector<std::string> ops;
  for (const ir::Node* n : back.topological_order()) {
    ops.push_back(n->op_type);
    CHECK_FALSE(n->has_attr("fused_activation"));
    CHECK_FALSE(n->has_attr("activation_min"));
    CHECK_FALSE(n->has_attr("activation_max"));
  }
  CHECK(ops == std::vector<std::string>{"Conv", "Clip", "Conv", "Relu"});
  REQUIRE(back.find_value("r6") != nullptr);  // the fused Conv took the Clip's output name; the Clip has it again
  const ir::Node* clip = back.find_value("r6")->producer();
  REQUIRE(clip->op_type == "Clip");
  REQUIRE(clip->inputs().size() == 3);
  CHECK(clip->input(1)->constant().values<float>()[0] == 0.0f);
  CHECK(clip->input(2)->constant().values<float>()[0] == 6.0f);
  CHECK(back.outputs()[0]->name == "y");

  test::TempDir scratch;
  onnx_format::export_model_file(*unfused, scratch.path() / "unfused.onnx");
  onnx_format::export_model_file(*g, scratch.path() / "fused.onnx");
  io::write_npy(scratch.path() / "x.npy", random_tensor({8, 2, 5, 5}, 11));
  const auto summary =
      test::ort_compare(scratch.path() / "unfused.onnx", scratch.path() / "fused.onnx", scratch.path() / "x.npy", 8);
  INFO(summary.dump());
  CHECK(summary.at("rows") == 8);
  CHECK(summary.at("max_abs_diff").get<double>() <= 1e-6);
  CHECK(summary.at("argmax_agreement") == 1.0);
}
