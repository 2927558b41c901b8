// merge_transpose_reshape: Transpose pairs compose (or vanish), Reshape/Flatten -> Reshape pairs
// become one Reshape with a constant, batch-agnostic target; shared intermediates are left alone.
#include <catch2/catch.hpp>

#include "exec/executor.h"
#include "exec/shape_inference.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

using Ints = std::vector<int64_t>;

ir::Node* transpose(ir::Graph& g, ir::Value* x, const Ints& perm, const std::string& out) {
  ir::Node* t = g.add_node("Transpose", {x}, {out}, out);
  t->attrs["perm"] = perm;
  return t;
}

ir::Node* reshape(ir::Graph& g, ir::Value* x, const Ints& target, const std::string& out) {
  ir::Value* shape = g.add_constant(out + "_shape", ir::Tensor::from_vector<int64_t>({int64_t(target.size())}, target));
  return g.add_node("Reshape", {x, shape}, {out}, out);
}

}  // namespace

TEST_CASE("merge_transpose_reshape removes a Transpose pair that cancels") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 3, 4});
  ir::Node* nhwc = transpose(*g, x, {0, 2, 3, 1}, "nhwc");
  ir::Node* nchw = transpose(*g, nhwc->output(0), {0, 3, 1, 2}, "nchw");
  g->add_output(g->add_node("Relu", {nchw->output(0)}, {"y"})->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  CHECK(run_passes(*g, "merge_transpose_reshape")[0].result.rewrites == 1);
  CHECK(count_ops(*g, "Transpose") == 0);
  CHECK(g->outputs()[0]->producer()->input(0) == x);
  CHECK(output_difference(*before, *g, 1) == 0);
}

TEST_CASE("merge_transpose_reshape composes two Transposes into one") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {2, 3, 4});
  ir::Node* first = transpose(*g, x, {1, 2, 0}, "t1");                           // [3,4,2]
  ir::Node* second = g->add_node("Transpose", {first->output(0)}, {"y"}, "t2");  // no perm: reverse -> [2,4,3]
  g->add_output(second->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "merge_transpose_reshape");
  REQUIRE(g->node_count() == 1);
  CHECK(second->input(0) == x);
  CHECK(second->attr_ints("perm", {}) == Ints{0, 2, 1});
  CHECK(*second->output(0)->shape == ir::Shape{2, 4, 3});
  CHECK(output_difference(*before, *g, 2, 1) == 0);
}

TEST_CASE("merge_transpose_reshape keeps the last shape of a Flatten/Reshape chain, batch-agnostic") {
  for (const std::string first_op : {"Reshape", "Flatten"}) {
    DYNAMIC_SECTION(first_op << " -> Reshape") {
      auto g = new_graph();
      ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 3, 4});
      ir::Node* first =
          first_op == "Flatten" ? g->add_node("Flatten", {x}, {"flat"}, "flat") : reshape(*g, x, {1, 24}, "flat");
      ir::Node* last = reshape(*g, first->output(0), {1, 6, -1}, "r");
      g->add_output(g->add_node("Relu", {last->output(0)}, {"y"})->output(0));
      exec::infer_shapes(*g);
      const auto before = g->clone();
      run_passes(*g, "merge_transpose_reshape");
      CHECK(g->node_count() == 2);
      CHECK(count_ops(*g, "Reshape") == 1);
      CHECK(count_ops(*g, "Flatten") == 0);
      CHECK(last->input(0) == x);
      CHECK(last->input(1)->constant().to_int64() == Ints{0, 6, 4});
      CHECK(*last->output(0)->shape == ir::Shape{1, 6, 4});
      CHECK(output_difference(*before, *g, 3, 1) == 0);
      // Target dim 0 copies the input's, so the executor can stack rows (the original's [1,6,-1] cannot).
      CHECK(exec::Executor(*g).stacks_rows());
      CHECK(output_difference(*before, *g, 4, 5) == 0);
    }
  }
}

TEST_CASE("merge_transpose_reshape removes a Reshape pair that returns to the input shape") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 6});
  ir::Node* r2 = reshape(*g, reshape(*g, x, {2, 3}, "a")->output(0), {1, 6}, "b");
  g->add_output(g->add_node("Relu", {r2->output(0)}, {"y"})->output(0));
  exec::infer_shapes(*g);
  run_passes(*g, "merge_transpose_reshape");
  CHECK(g->node_count() == 1);
  CHECK(g->nodes()[0]->input(0) == x);
}

TEST_CASE("merge_transpose_reshape must not fire when the intermediate value is shared or an output") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 3});
  ir::Node* first = transpose(*g, x, {0, 2, 1}, "t1");
  g->add_output(transpose(*g, first->output(0), {0, 2, 1}, "t2")->output(0));
  SECTION("second user") { g->add_output(g->add_node("Relu", {first->output(0)}, {"side"})->output(0)); }
  SECTION("graph output") { g->add_output(first->output(0)); }
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "merge_transpose_reshape");
  CHECK(summaries[0].result.rewrites == 0);
  CHECK(count_ops(*g, "Transpose") == 2);
}

TEST_CASE("merge_transpose_reshape declines to merge a graph input straight into a graph output") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 3});
  ir::Node* first = transpose(*g, x, {0, 2, 1}, "t1");
  g->add_output(transpose(*g, first->output(0), {0, 2, 1}, "y")->output(0));
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "merge_transpose_reshape");
  CHECK(summaries[0].result.rewrites == 0);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0].find("graph input and output") != std::string::npos);
  CHECK(count_ops(*g, "Transpose") == 2);
}
