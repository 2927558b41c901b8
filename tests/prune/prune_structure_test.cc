// Structured pruning's channel analysis and removal: which producers share a mask, what is locked,
// and that every consumer (depthwise chain, residual Add, Concat offsets, Flatten -> Gemm rows)
// loses exactly the removed channels.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "ir/verify.h"
#include "passes/pass_test_util.h"
#include "passes/prune/channels.h"
#include "prune_test_graphs.h"

using namespace tinyc;
using namespace tinyc::passes;
using namespace tinyc::passes::testing;

namespace {

const ChannelGroup& group_named(const ChannelGraph& cg, const std::string& first_producer) {
  for (const ChannelGroup& group : cg.groups())
    if (group.producers.front() == first_producer) return group;
  FAIL("no channel group starts at " << first_producer);
  throw;
}

// keep[] with the given channels (in the group's channel order) of each named group removed.
std::vector<char> removing(const ChannelGraph& cg, const std::vector<std::pair<std::string, std::vector<int>>>& drops) {
  std::vector<char> keep(static_cast<size_t>(cg.num_classes()), 1);
  for (const auto& [group, channels] : drops)
    for (int c : channels) keep[static_cast<size_t>(group_named(cg, group).classes[static_cast<size_t>(c)])] = 0;
  return keep;
}

const ir::Shape& weight_shape(const ir::Graph& g, const std::string& node) {
  return g.find_node(node)->input(1)->constant().shape();
}

float weight_at(const ir::Graph& g, const std::string& node, size_t index) {
  return g.find_node(node)->input(1)->constant().values<float>()[index];
}

}  // namespace

TEST_CASE("prune: residual Add ties its producers to one mask, the graph output locks the Gemm", "[prune]") {
  auto g = residual_graph();
  const ChannelGraph cg(*g);
  REQUIRE(cg.groups().size() == 3);
  CHECK(group_named(cg, "convA").producers == std::vector<std::string>{"convA"});
  CHECK(group_named(cg, "convA").locked_because.empty());
  const ChannelGroup& tied = group_named(cg, "convB");
  CHECK(tied.producers == std::vector<std::string>{"convB", "convC"});
  CHECK(tied.name == "convB + 1 tied");
  CHECK(tied.classes.size() == 6);
  CHECK(tied.locked_because.empty());
  CHECK(group_named(cg, "gemm").locked_because == "its channels reach the graph output 'y'");
  // convA 8x3x9 + dw 8x9 + convB, convC 6x8 each + gemm 5x96; the convs at 8x8 positions.
  const Resources all = cg.size(std::vector<char>(static_cast<size_t>(cg.num_classes()), 1));
  CHECK(all.weights == 216 + 72 + 96 + 480);
  CHECK(all.macs == (216 + 72 + 96) * 64 + 480);
}

TEST_CASE("prune: removing channels updates producers, the depthwise chain, both Add operands and Gemm rows",
          "[prune]") {
  auto g = residual_graph();
  const auto original = g->clone();
  const ChannelGraph cg(*g);
  const std::vector<char> keep = removing(cg, {{"convA", {1, 4}}, {"convB", {0, 2, 5}}});
  // convA 6x3x9 + dw 6x9 + convB, convC 3x6 each + gemm 5x48.
  CHECK(cg.size(keep).weights == 162 + 54 + 36 + 240);
  CHECK(cg.size(keep).macs == (162 + 54 + 36) * 64 + 240);
  const std::vector<std::string> consumers = cg.apply(*g, keep);
  CHECK(consumers == std::vector<std::string>{"convB", "convC", "gemm"});
  CHECK(ir::verify(*g).empty());

  CHECK(weight_shape(*g, "convA") == ir::Shape{6, 3, 3, 3});
  CHECK(g->find_node("convA")->input(2)->constant().shape() == ir::Shape{6});
  CHECK(weight_shape(*g, "dw") == ir::Shape{6, 1, 3, 3});
  CHECK(g->find_node("dw")->attr_int("group", 0) == 6);
  CHECK(weight_shape(*g, "convB") == ir::Shape{3, 6, 1, 1});
  CHECK(weight_shape(*g, "convC") == ir::Shape{3, 6, 1, 1});
  CHECK(weight_shape(*g, "gemm") == ir::Shape{5, 48});
  CHECK(*g->find_value("y")->shape == ir::Shape{1, 5});

  // convB keeps input channels 0, 2, 3, 5, 6, 7 of output channels 1, 3, 4 (1x1 kernel: [o, c]).
  const std::vector<size_t> in_kept = {0, 2, 3, 5, 6, 7}, out_kept = {1, 3, 4};
  for (size_t o = 0; o < out_kept.size(); ++o)
    for (size_t c = 0; c < in_kept.size(); ++c)
      CHECK(weight_at(*g, "convB", o * 6 + c) == weight_at(*original, "convB", out_kept[o] * 8 + in_kept[c]));
  // Each kept channel owns its 4x4 = 16 Gemm columns, in order.
  for (size_t row = 0; row < 5; ++row)
    for (size_t k = 0; k < out_kept.size(); ++k)
      for (size_t i = 0; i < 16; ++i)
        CHECK(weight_at(*g, "gemm", row * 48 + k * 16 + i) == weight_at(*original, "gemm", row * 96 + out_kept[k] * 16 + i));
}

TEST_CASE("prune: Concat maps each consumer column to its producer at the right offset", "[prune]") {
  auto g = concat_graph();
  const auto original = g->clone();
  const ChannelGraph cg(*g);
  REQUIRE(cg.groups().size() == 3);
  CHECK(!group_named(cg, "convR").locked_because.empty());
  cg.apply(*g, removing(cg, {{"convP", {1}}, {"convQ", {0, 3}}}));
  CHECK(ir::verify(*g).empty());
  CHECK(weight_shape(*g, "convP") == ir::Shape{3, 3, 3, 3});
  CHECK(weight_shape(*g, "convQ") == ir::Shape{3, 3, 3, 3});
  REQUIRE(weight_shape(*g, "convR") == ir::Shape{2, 6, 1, 1});
  const std::vector<size_t> kept = {0, 2, 3, 5, 6, 8};  // P: 0 2 3; Q (offset 4): 1 2 4
  for (size_t o = 0; o < 2; ++o)
    for (size_t c = 0; c < kept.size(); ++c) CHECK(weight_at(*g, "convR", o * 6 + c) == weight_at(*original, "convR", o * 9 + kept[c]));
}

TEST_CASE("prune: channels that reach an op the analysis does not know are locked", "[prune]") {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 4, 4});
  ir::Node* conv = add_conv(*g, "conv", x, 3, 4, 3, 1, 1);
  ir::Node* t = g->add_node("Transpose", {conv->output(0)}, {"t"}, "transpose");
  t->attrs["perm"] = std::vector<int64_t>{0, 2, 3, 1};
  ir::Node* next = add_conv(*g, "next", t->output(0), 4, 2, 1, 1, 2);
  g->add_output(next->output(0));
  exec::infer_shapes(*g);
  const ChannelGraph cg(*g);
  CHECK(group_named(cg, "conv").locked_because == "its channels reach Transpose node 'transpose'");
}

TEST_CASE("prune: removing channels whose weights are zero leaves the outputs unchanged", "[prune]") {
  auto g = residual_graph();
  zero_output_channels(*g, "convA", {1, 4});
  // The depthwise bias would turn the zero channels into constants; it goes too.
  ir::Node* dw = g->find_node("dw");
  std::vector<float> bias(dw->input(2)->constant().values<float>().begin(), dw->input(2)->constant().values<float>().end());
  bias[1] = bias[4] = 0;
  g->set_constant(dw->input(2), ir::Tensor::from_vector<float>({8}, bias));
  zero_output_channels(*g, "convB", {0, 2, 5});
  zero_output_channels(*g, "convC", {0, 2, 5});
  const auto before = g->clone();
  const ChannelGraph cg(*g);
  cg.apply(*g, removing(cg, {{"convA", {1, 4}}, {"convB", {0, 2, 5}}}));
  CHECK(output_difference(*before, *g, 7, 4) < 1e-6);
}
