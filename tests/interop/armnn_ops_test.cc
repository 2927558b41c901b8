// Arm NN against tinyc's int8 executor on small hand-built graphs, op family by op family: the
// .tflite encodings (OHWI and 1HWC weights with per-channel scales, depth multiplier 2, SAME, VALID
// and explicit PAD, NHWC flatten into FULLY_CONNECTED, TRANSPOSE, requantizing CONCATENATION, MEAN)
// computed by an independent runtime. Arm NN requantizes in float, TFLite (and tinyc) with a
// fixed-point multiply and double rounding, so each requantizing step may differ by 1 LSB.
#include <catch2/catch.hpp>

#include <iostream>
#include <limits>
#include <random>

#include "armnn_runner.h"
#include "support/test_support.h"
#include "tflite/quantized_graphs.h"

using namespace tinyc;
using namespace tinyc::interop_test;
using namespace tinyc::tflite_test;

namespace {

constexpr int64_t kRows = 16;
const ir::QuantParams kInputQ = per_tensor(0.02f, -5);

void check_agreement(const ir::Graph& g, const std::string& name, int max_lsb = 1) {
  test::TempDir dir;
  const Agreement a = run_both(g, uniform_rows(*g.inputs().front()->shape, kRows, -2.0f, 2.0f, 11), dir.path(), name);
  std::cout << "Arm NN vs tinyc int8, " << name << ": " << describe(a) << "\n";
  CHECK(a.max_lsb <= max_lsb);
}

}  // namespace

TEST_CASE("Arm NN agrees on depthwise convs: per-channel 1HWC weights, multiplier 2, SAME, stride 2") {
  check_agreement(*conv_graph({1, 8, 9, 9}, {16, 1, 3, 3}, {1, 16, 9, 9}, per_channel(channel_scales(16)), [](ir::Node* n) {
                    n->attrs["group"] = int64_t{8};
                    n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
                    fuse(n, "Relu6", 0.0f, 6.0f);
                    n->output(0)->quant = per_tensor(6.0f / 255, -128);
                  }),
                  "depthwise_m2_same");
  check_agreement(*conv_graph({1, 8, 10, 10}, {8, 1, 3, 3}, {1, 8, 5, 5}, per_channel(channel_scales(8)), [](ir::Node* n) {
                    n->attrs["group"] = int64_t{8};
                    n->attrs["strides"] = std::vector<int64_t>{2, 2};
                    n->attrs["pads"] = std::vector<int64_t>{0, 0, 1, 1};
                  }),
                  "depthwise_stride2_same");
}

// The PAD of the second graph reaches Arm NN's CONV_2D folded into it (Arm NN's optimizer does that);
// an unfolded int8 PAD, as in front of a depthwise conv, fills its border wrongly in Arm NN 20.08.
TEST_CASE("Arm NN agrees on convs with OHWI per-channel weights, SAME and an explicit PAD") {
  check_agreement(*conv_graph({1, 3, 8, 8}, {6, 3, 3, 3}, {1, 6, 8, 8}, per_channel(channel_scales(6)), [](ir::Node* n) {
                    n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
                    fuse(n, "Relu", 0.0f, std::numeric_limits<float>::infinity());
                  }),
                  "conv_same_relu");
  check_agreement(*conv_graph({1, 3, 8, 8}, {6, 3, 3, 3}, {1, 6, 4, 4}, per_channel(channel_scales(6)), [](ir::Node* n) {
                    n->attrs["strides"] = std::vector<int64_t>{2, 2};
                    n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
                  }),
                  "conv_pad_stride2");
}

TEST_CASE("Arm NN agrees on conv -> max pool -> NHWC flatten -> FULLY_CONNECTED -> softmax") {
  auto g = small_cnn();
  // Arm NN 20.08 has no per-channel FULLY_CONNECTED weights: one scale for the layer.
  g->find_value("fc.weight")->quant = per_tensor(0.006f, 0);
  g->find_value("fc.bias")->quant = per_tensor(0.05f * 0.006f, 0);
  check_agreement(*g, "small_cnn");
}

TEST_CASE("Arm NN agrees on ADD, MEAN, TRANSPOSE before a flatten, and requantizing CONCATENATION") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 4, 5, 5}, kInputQ);
  const ir::QuantParams wq = per_channel(channel_scales(4));
  ir::Node* conv = b.node("Conv", {x, b.int8_weights("w", {4, 4, 1, 1}, wq, 2), b.int32_bias("b", 4, 0.02f, wq)},
                          "branch", {1, 4, 5, 5}, per_tensor(0.03f, 0));
  conv->attrs["kernel_shape"] = std::vector<int64_t>{1, 1};
  ir::Node* add = b.node("Add", {x, conv->output(0)}, "sum", {1, 4, 5, 5}, per_tensor(0.05f, -10));
  ir::Node* concat = b.node("Concat", {add->output(0), x}, "joined", {1, 8, 5, 5}, per_tensor(0.05f, -10));
  concat->attrs["axis"] = int64_t{1};
  ir::Node* mean = b.node("ReduceMean", {concat->output(0)}, "mean", {1, 8, 5, 1}, per_tensor(0.02f, 0));
  mean->attrs["axes"] = std::vector<int64_t>{3};
  ir::Node* flat = b.node("Flatten", {mean->output(0)}, "flat", {1, 40}, per_tensor(0.02f, 0));
  b.dequantized_output(flat->output(0), "output");
  check_agreement(*b.take(), "add_concat_mean_flatten", /*max_lsb=*/2);  // ADD and the requantized CONCATENATION
}
