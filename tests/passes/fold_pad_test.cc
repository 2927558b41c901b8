// fold_pad: zero Pads merged into Conv and AveragePool(count_include_pad=1) pads; MaxPool, other
// fill values, channel padding and shared Pad outputs left alone.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "pass_test_util.h"

using namespace tinyc;
using namespace tinyc::passes::testing;

namespace {

using Ints = std::vector<int64_t>;

ir::Tensor ints(const Ints& values) {
  return ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values);
}

// x[1,2,6,6] -> Pad(pads, fill) -> "p"
ir::Node* add_pad(ir::Graph& g, const Ints& pads, float fill = 0.0f) {
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 2, 6, 6});
  return g.add_node("Pad", {x, g.add_constant("pads", ints(pads)), g.add_constant("fill", ir::Tensor::scalar(fill))},
                    {"p"}, "pad");
}

}  // namespace

TEST_CASE("fold_pad adds a spatial zero Pad to a Conv's own pads") {
  auto g = new_graph();
  ir::Node* pad = add_pad(*g, {0, 0, 1, 2, 0, 0, 3, 0});
  ir::Node* conv = g->add_node("Conv", {pad->output(0), add_random_constant(*g, "w", {3, 2, 3, 3}, 1)}, {"y"}, "conv");
  conv->attrs["pads"] = Ints{1, 0, 1, 1};
  g->add_output(conv->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "fold_pad");
  CHECK(summaries[0].result.rewrites == 1);
  CHECK(count_ops(*g, "Pad") == 0);
  CHECK(conv->input(0) == g->find_value("x"));
  CHECK(conv->attr_ints("pads", {}) == Ints{2, 2, 4, 1});
  CHECK(*conv->output(0)->shape == *before->find_value("y")->shape);
  CHECK(output_difference(*before, *g, 1) < 1e-5);
}

TEST_CASE("fold_pad merges into AveragePool that counts padding") {
  auto g = new_graph();
  ir::Node* pad = add_pad(*g, {0, 0, 1, 1, 0, 0, 1, 1});
  ir::Node* pool = g->add_node("AveragePool", {pad->output(0)}, {"y"}, "pool");
  pool->attrs["kernel_shape"] = Ints{3, 3};
  pool->attrs["strides"] = Ints{2, 2};
  pool->attrs["count_include_pad"] = int64_t{1};
  g->add_output(pool->output(0));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  run_passes(*g, "fold_pad");
  CHECK(count_ops(*g, "Pad") == 0);
  CHECK(pool->attr_ints("pads", {}) == Ints{1, 1, 1, 1});
  CHECK(output_difference(*before, *g, 2) < 1e-5);
}

TEST_CASE("fold_pad must not fire where zero padding would change the result") {
  auto g = new_graph();
  std::string reason;
  ir::Node* pad = nullptr;
  SECTION("MaxPool pads with -inf") {
    pad = add_pad(*g, {0, 0, 1, 1, 0, 0, 1, 1});
    g->add_node("MaxPool", {pad->output(0)}, {"y"}, "pool")->attrs["kernel_shape"] = Ints{2, 2};
    reason = "MaxPool";
  }
  SECTION("AveragePool excluding padding from its divisor") {
    pad = add_pad(*g, {0, 0, 1, 1, 0, 0, 1, 1});
    g->add_node("AveragePool", {pad->output(0)}, {"y"}, "pool")->attrs["kernel_shape"] = Ints{2, 2};
    reason = "count_include_pad=0";
  }
  SECTION("a non-zero fill value") {
    pad = add_pad(*g, {0, 0, 1, 1, 0, 0, 1, 1}, 0.5f);
    g->add_node("Conv", {pad->output(0), add_random_constant(*g, "w", {1, 2, 3, 3}, 3)}, {"y"}, "conv");
    reason = "fill value is not 0";
  }
  SECTION("padding the channel dim") {
    pad = add_pad(*g, {0, 1, 1, 1, 0, 0, 1, 1});
    g->add_node("Conv", {pad->output(0), add_random_constant(*g, "w", {1, 3, 3, 3}, 3)}, {"y"}, "conv");
    reason = "batch or channel";
  }
  SECTION("negative pads crop") {
    pad = add_pad(*g, {0, 0, -1, 0, 0, 0, 0, 0});
    g->add_node("Conv", {pad->output(0), add_random_constant(*g, "w", {1, 2, 3, 3}, 3)}, {"y"}, "conv");
    reason = "negative";
  }
  g->add_output(g->find_value("y"));
  exec::infer_shapes(*g);
  const auto before = g->clone();
  const auto summaries = run_passes(*g, "fold_pad");
  CHECK(summaries[0].result.rewrites == 0);
  REQUIRE(summaries[0].result.declined.size() == 1);
  CHECK(summaries[0].result.declined[0].find(reason) != std::string::npos);
  CHECK(count_ops(*g, "Pad") == 1);
  CHECK(output_difference(*before, *g, 3) == 0);
}

TEST_CASE("fold_pad must not fire when the padded value has another user") {
  auto g = new_graph();
  ir::Node* pad = add_pad(*g, {0, 0, 1, 1, 0, 0, 1, 1});
  g->add_output(g->add_node("Conv", {pad->output(0), add_random_constant(*g, "w", {1, 2, 3, 3}, 4)}, {"y"})->output(0));
  g->add_output(g->add_node("Relu", {pad->output(0)}, {"side"})->output(0));
  exec::infer_shapes(*g);
  const auto summaries = run_passes(*g, "fold_pad");
  CHECK(summaries[0].result.rewrites == 0);
  CHECK(summaries[0].result.declined.empty());  // not the pattern: quiet
  CHECK(count_ops(*g, "Pad") == 1);
}
