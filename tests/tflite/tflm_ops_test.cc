// TensorFlow Lite Micro judges small emitted blobs op family by op family: every emitted op with odd
// sizes, strides, SAME / VALID / explicit padding, per-tensor and per-channel weights must compute
// exactly what tinyc's int8 executor computes, in TFLM's reference and CMSIS-NN kernels, and TFLM's
// activation arena must be the one tinyc planned and stored in the blob.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <limits>
#include <tuple>

#include "apps/cli_runner.h"
#include "exec/executor.h"
#include "exec/shape_inference.h"
#include "formats/onnx/export.h"
#include "formats/tflite/blob_memory.h"
#include "formats/tflite/import.h"
#include "io/npy.h"
#include "passes/default_pipelines.h"
#include "passes/graphs_1d.h"
#include "passes/graphs_sequence.h"
#include "passes/graphs_transformer.h"
#include "passes/pass_test_util.h"
#include "quantized_graphs.h"
#include "support/test_support.h"
#include "tflite_test_util.h"
#include "tflm_judge.h"

using namespace tinyc;
using namespace tinyc::tflite_test;

namespace {

const ir::QuantParams kInputQ = per_tensor(0.02f, -5);

// Bit-exact in both kernel sets; with the reference kernels, TFLM's head is tinyc's plan.
void judge(const ir::Graph& g, const std::string& name) {
  test::TempDir dir;
  // 40 rows uniform in [-3, 3): past the int8 range at both ends, so saturation is exercised.
  const ir::Tensor rows = uniform_rows(*g.inputs().front()->shape, 40, -3.0f, 3.0f, 5);
  const nlohmann::json facts = check_graph_bit_exact(g, rows, dir.path(), name, TflmKernels::Reference);
  check_graph_bit_exact(g, rows, dir.path(), name + "_cmsis", TflmKernels::CmsisNn);
  const auto memory = tflite_format::blob_memory(test::read_bytes(dir.path() / (name + ".tflite")));
  CHECK(memory.has_offline_plan);
  CHECK(facts["arena_breakdown"]["head_nonpersistent_bytes"].get<size_t>() == memory.arena_head_bytes);
  CHECK(memory.arena_head_bytes == memory.planned_head_bytes);
  CHECK(memory.planned_head_bytes == memory.lower_bound_bytes);
  const auto tail = facts["arena_used_bytes"].get<int64_t>() - static_cast<int64_t>(memory.arena_head_bytes);
  CHECK(std::abs(tail - static_cast<int64_t>(memory.persistent_bytes_host)) <= 32);  // the tail estimate, host model
}

}  // namespace

TEST_CASE("TFLM: CONV_2D with SAME, VALID and explicit padding, strides, odd sizes, both weight kinds", "[tflm][slow]") {
  for (bool per_channel_weights : {true, false}) {
    const std::string kind = per_channel_weights ? "_pc" : "_pt";
    auto weights_q = [&](int64_t channels) {
      return per_channel_weights ? per_channel(channel_scales(channels)) : per_tensor(0.01f, 0);
    };
    judge(*conv_graph({1, 3, 9, 7}, {5, 3, 3, 3}, {1, 5, 9, 7}, weights_q(5),
                      [](ir::Node* n) { n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1}; }),
          "conv_same" + kind);
    judge(*conv_graph({1, 3, 9, 7}, {5, 3, 3, 2}, {1, 5, 4, 3}, weights_q(5),
                      [](ir::Node* n) { n->attrs["strides"] = std::vector<int64_t>{2, 2}; }),
          "conv_valid_stride2" + kind);
    judge(*conv_graph({1, 3, 10, 8}, {6, 3, 3, 3}, {1, 6, 5, 4}, weights_q(6), [](ir::Node* n) {
            n->attrs["strides"] = std::vector<int64_t>{2, 2};
            n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};  // TFLite's SAME would pad at the end only: a PAD
            fuse(n, "Relu", 0.0f, std::numeric_limits<float>::infinity());
          }),
          "conv_pad_stride2_relu" + kind);
  }
}

TEST_CASE("TFLM: DEPTHWISE_CONV_2D with multiplier 1 and 2, SAME, stride 2, Relu6", "[tflm]") {
  judge(*conv_graph({1, 5, 9, 9}, {10, 1, 3, 3}, {1, 10, 9, 9}, per_channel(channel_scales(10)),
                    [](ir::Node* n) {
                      n->attrs["group"] = int64_t{5};
                      n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
                      fuse(n, "Relu6", 0.0f, 6.0f);
                      n->output(0)->quant = per_tensor(6.0f / 255, -128);
                    }),
        "depthwise_m2_same");
  judge(*conv_graph({1, 4, 11, 11}, {4, 1, 3, 3}, {1, 4, 6, 6}, per_channel(channel_scales(4)),
                    [](ir::Node* n) {
                      n->attrs["group"] = int64_t{4};
                      n->attrs["strides"] = std::vector<int64_t>{2, 2};
                      n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
                    }),
        "depthwise_stride2");
}

TEST_CASE("TFLM: conv, max pool, flatten into FULLY_CONNECTED (per-channel and per-tensor), softmax", "[tflm]") {
  judge(*small_cnn(), "small_cnn");
  auto g = small_cnn();
  g->find_value("fc.weight")->quant = per_tensor(0.006f, 0);
  g->find_value("fc.bias")->quant = per_tensor(0.05f * 0.006f, 0);
  judge(*g, "small_cnn_fc_per_tensor");
}

namespace {

// Weights of `name` re-cut to the 4-bit range [-8, 7] (both ends present) and marked 4-bit, so
// the blob stores them as TFLite INT4.
void make_int4(ir::Graph& g, const std::string& name) {
  ir::Value* w = g.find_value(name);
  ir::Tensor t = w->constant();
  auto v = t.mutable_values<int8_t>();
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int8_t>((v[i] + 128 + static_cast<int>(i)) % 16 - 8);
  v[0] = -8;
  v[1] = 7;
  g.set_constant(w, std::move(t));
  w->quant->bits = 4;
}

}  // namespace

TEST_CASE("TFLM: 4-bit weights in CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, odd element counts", "[tflm][int4]") {
  auto conv = conv_graph({1, 3, 9, 7}, {5, 3, 3, 3}, {1, 5, 9, 7}, per_channel(channel_scales(5)),
                         [](ir::Node* n) { n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1}; });
  make_int4(*conv, "w");  // 135 values: the last byte holds one
  judge(*conv, "conv_int4");
  auto depthwise = conv_graph({1, 10, 9, 9}, {10, 1, 3, 3}, {1, 10, 5, 5}, per_channel(channel_scales(10)),
                              [](ir::Node* n) {
                                n->attrs["group"] = int64_t{10};
                                n->attrs["strides"] = std::vector<int64_t>{2, 2};
                                n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
                              });
  make_int4(*depthwise, "w");
  judge(*depthwise, "depthwise_int4");
  auto cnn = small_cnn();
  cnn->find_value("fc.weight")->quant = per_tensor(0.006f, 0);  // TFLM's int4 FULLY_CONNECTED reads one scale
  cnn->find_value("fc.bias")->quant = per_tensor(0.05f * 0.006f, 0);
  make_int4(*cnn, "fc.weight");
  make_int4(*cnn, "conv.weight");
  judge(*cnn, "small_cnn_int4");
}

namespace {

// A 1x1 Conv of x (N x C x H x W, per-channel weights seeded with `seed`) named "branch": a second
// operand with its own parameters for the binary-op tests.
ir::Node* pointwise_branch(QuantizedGraphBuilder& b, ir::Value* x, const ir::QuantParams& out_q, int seed) {
  const ir::Shape& shape = *x->shape;
  const ir::QuantParams wq = per_channel(channel_scales(shape[1]));
  ir::Node* conv = b.node("Conv",
                          {x, b.int8_weights("w", {shape[1], shape[1], 1, 1}, wq, seed),
                           b.int32_bias("b", shape[1], x->quant->scale[0], wq)},
                          "branch", shape, out_q);
  conv->attrs["kernel_shape"] = std::vector<int64_t>{1, 1};
  return conv;
}

}  // namespace

TEST_CASE("TFLM: ADD, MUL, CONCATENATION, MEAN, average pool and a branching graph", "[tflm]") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 4, 7, 5}, kInputQ);
  ir::Node* conv = pointwise_branch(b, x, per_tensor(0.03f, 0), 2);
  ir::Node* add = b.node("Add", {x, conv->output(0)}, "sum", {1, 4, 7, 5}, per_tensor(0.05f, -10));
  ir::Node* mul = b.node("Mul", {add->output(0), conv->output(0)}, "product", {1, 4, 7, 5}, per_tensor(0.04f, 2));
  ir::Node* concat = b.node("Concat", {mul->output(0), x}, "joined", {1, 8, 7, 5}, per_tensor(0.05f, -10));
  concat->attrs["axis"] = int64_t{1};
  ir::Node* pool = b.node("AveragePool", {concat->output(0)}, "pooled", {1, 8, 3, 2}, per_tensor(0.05f, -10));
  pool->attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
  pool->attrs["strides"] = std::vector<int64_t>{2, 2};
  ir::Node* mean = b.node("ReduceMean", {pool->output(0)}, "mean", {1, 8, 1, 1}, per_tensor(0.02f, 0));
  mean->attrs["axes"] = std::vector<int64_t>{2, 3};
  b.dequantized_output(mean->output(0), "output");
  judge(*b.take(), "add_mul_concat_pool_mean");
}

TEST_CASE("TFLM: SUB of two activations with their own parameters, of a broadcast constant, and fused Relu", "[tflm]") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 4, 5, 3}, kInputQ);
  ir::Node* conv = pointwise_branch(b, x, per_tensor(0.03f, 7), 5);
  ir::Node* difference = b.node("Sub", {x, conv->output(0)}, "difference", {1, 4, 5, 3}, per_tensor(0.05f, -10));
  ir::Value* offsets = b.graph().add_constant("offsets", ir::Tensor::from_vector<int8_t>({4, 1, 1}, {-100, 3, 50, 127}));
  offsets->quant = per_tensor(0.01f, 2);
  ir::Node* shifted = b.node("Sub", {offsets, difference->output(0)}, "shifted", {1, 4, 5, 3}, per_tensor(0.04f, 0));
  fuse(shifted, "Relu", 0.0f, std::numeric_limits<float>::infinity());
  b.dequantized_output(shifted->output(0), "output");
  judge(*b.take(), "sub");
}

TEST_CASE("TFLM: CONCATENATION along H, W and a plain tensor's middle axis, inputs requantized", "[tflm]") {
  for (const int64_t axis : {2, 3, -1}) {
    QuantizedGraphBuilder b;
    const bool plain = axis == -1;
    const ir::Shape a_shape = plain ? ir::Shape{1, 4, 6} : ir::Shape{1, 3, 4, 5};
    ir::Value* a = b.quantized_input("input", a_shape, kInputQ);
    ir::Node* doubled = b.node("Add", {a, a}, "doubled", a_shape, per_tensor(0.05f, 4));
    ir::Shape out = a_shape;
    const size_t d = plain ? 1 : static_cast<size_t>(axis);
    out[d] *= 2;
    ir::Node* joined = b.node("Concat", {a, doubled->output(0)}, "joined", out, per_tensor(0.05f, 4));
    joined->attrs["axis"] = plain ? int64_t{-2} : axis;
    b.dequantized_output(joined->output(0), "output");
    judge(*b.take(), "concat_axis_" + std::to_string(axis + 1));
  }
}

TEST_CASE("TFLM: MIRROR_PAD in reflect mode around a Conv, on H and W", "[tflm]") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 3, 5, 6}, kInputQ);
  ir::Value* pads = b.graph().add_constant("pads", ir::Tensor::from_vector<int64_t>({8}, {0, 0, 2, 1, 0, 0, 1, 3}));
  ir::Node* pad = b.node("Pad", {x, pads}, "padded", {1, 3, 8, 10}, kInputQ);
  pad->attrs["mode"] = std::string("reflect");
  const ir::QuantParams wq = per_channel(channel_scales(2));
  ir::Node* conv = b.node("Conv", {pad->output(0), b.int8_weights("w", {2, 3, 3, 3}, wq, 6), b.int32_bias("b", 2, 0.02f, wq)},
                          "conv", {1, 2, 6, 8}, per_tensor(0.05f, 0));
  conv->attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
  b.dequantized_output(conv->output(0), "output");
  const auto g = b.take();
  judge(*g, "mirror_pad");
  const auto names = op_names(verified_model(emit_named(*g)));
  CHECK(std::count(names.begin(), names.end(), "MIRROR_PAD") == 1);
}

TEST_CASE("TFLM: LEAKY_RELU with small, large and zero alpha, its own output parameters", "[tflm]") {
  for (const float alpha : {0.01f, 0.3f, 0.0f}) {
    QuantizedGraphBuilder b;
    ir::Value* x = b.quantized_input("input", {1, 3, 5, 7}, kInputQ);
    ir::Node* n = b.node("LeakyRelu", {x}, "y", {1, 3, 5, 7}, per_tensor(0.017f, -90));
    n->attrs["alpha"] = alpha;
    b.dequantized_output(n->output(0), "output");
    judge(*b.take(), "leaky_relu_" + std::to_string(static_cast<int>(alpha * 100)));
  }
}

TEST_CASE("TFLM: PRELU with a per-channel slope and with one slope, negative slopes included", "[tflm]") {
  const std::vector<std::pair<ir::Shape, std::vector<int8_t>>> slopes = {
      {{3, 1, 1}, {25, -60, 127}},  // one slope per channel, broadcast over H and W
      {{1}, {40}}};
  for (const auto& [shape, values] : slopes) {
    QuantizedGraphBuilder b;
    ir::Value* x = b.quantized_input("input", {1, 3, 5, 7}, kInputQ);
    ir::Value* slope = b.graph().add_constant("slope", ir::Tensor::from_vector<int8_t>(shape, values));
    slope->quant = per_tensor(0.004f, -3);
    ir::Node* n = b.node("PRelu", {x, slope}, "y", {1, 3, 5, 7}, per_tensor(0.021f, -70));
    b.dequantized_output(n->output(0), "output");
    judge(*b.take(), "prelu_" + std::to_string(values.size()));
  }
}

TEST_CASE("TFLM: HARD_SWISH with its own output parameters", "[tflm]") {
  for (const ir::QuantParams& out_q : {per_tensor(0.015f, -100), per_tensor(0.03f, 20)}) {
    QuantizedGraphBuilder b;
    ir::Value* x = b.quantized_input("input", {1, 3, 5, 7}, kInputQ);
    ir::Node* n = b.node("HardSwish", {x}, "y", {1, 3, 5, 7}, out_q);
    b.dequantized_output(n->output(0), "output");
    judge(*b.take(), "hard_swish_" + std::to_string(out_q.zero_point[0] + 200));
  }
}

TEST_CASE("TFLM: the logistic, tanh and clamp activations", "[tflm]") {
  for (const std::string op : {"Sigmoid", "Tanh", "Relu"}) {
    QuantizedGraphBuilder b;
    ir::Value* x = b.quantized_input("input", {1, 37}, kInputQ);
    const ir::QuantParams out_q = op == "Sigmoid" ? per_tensor(1.0f / 256, -128)
                                  : op == "Tanh"  ? per_tensor(1.0f / 128, 0)
                                                  : kInputQ;
    ir::Node* n = b.node(op, {x}, "y", {1, 37}, out_q);
    b.dequantized_output(n->output(0), "output");
    judge(*b.take(), "activation_" + op);
  }
}

TEST_CASE("TFLM: STRIDED_SLICE with a negative stride to the start, steps and a clamped end", "[tflm]") {
  judge(*slice_graph(), "strided_slice");
}

TEST_CASE("TFLM: SPLIT into equal parts and SPLIT_V along another axis", "[tflm]") {
  judge(*split_graph(), "split");
  const auto names = op_names(verified_model(emit_named(*split_graph())));
  CHECK(std::count(names.begin(), names.end(), "SPLIT") == 1);
  CHECK(std::count(names.begin(), names.end(), "SPLIT_V") == 1);
}

TEST_CASE("TFLM: RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR in each coordinate mode, up and down", "[tflm]") {
  using Attrs = ir::Attributes;
  const std::vector<std::tuple<std::string, ir::Shape, ir::Shape, Attrs>> cases = {
      {"nearest_asymmetric_floor", {1, 3, 4, 5}, {1, 3, 8, 10},
       Attrs{{"mode", std::string("nearest")}, {"coordinate_transformation_mode", std::string("asymmetric")},
             {"nearest_mode", std::string("floor")}}},
      {"nearest_half_pixel_default", {1, 3, 4, 5}, {1, 3, 12, 15}, Attrs{{"mode", std::string("nearest")}}},
      {"nearest_align_corners", {1, 2, 4, 5}, {1, 2, 7, 9},
       Attrs{{"mode", std::string("nearest")}, {"coordinate_transformation_mode", std::string("align_corners")},
             {"nearest_mode", std::string("round_prefer_ceil")}}},
      {"nearest_tf_half_pixel_down", {1, 3, 8, 9}, {1, 3, 3, 4},
       Attrs{{"mode", std::string("nearest")}, {"coordinate_transformation_mode", std::string("tf_half_pixel_for_nn")},
             {"nearest_mode", std::string("floor")}}},
      {"bilinear_half_pixel", {1, 3, 4, 5}, {1, 3, 8, 10}, Attrs{{"mode", std::string("linear")}}},
      {"bilinear_half_pixel_odd", {1, 2, 5, 3}, {1, 2, 8, 7}, Attrs{{"mode", std::string("linear")}}},
      {"bilinear_asymmetric_down", {1, 2, 9, 8}, {1, 2, 4, 3},
       Attrs{{"mode", std::string("linear")}, {"coordinate_transformation_mode", std::string("asymmetric")}}},
      {"bilinear_align_corners", {1, 2, 4, 5}, {1, 2, 7, 9},
       Attrs{{"mode", std::string("linear")}, {"coordinate_transformation_mode", std::string("align_corners")}}},
  };
  for (const auto& [name, input, sizes, attrs] : cases) {
    INFO(name);
    judge(*resize_graph(input, sizes, attrs), "resize_" + name);
  }
}

TEST_CASE("TFLM: MEAN over H and W, over channels and over a plain tensor's last axis, with the input's parameters", "[tflm]") {
  using Ints = std::vector<int64_t>;
  for (const auto& [name, input, axes, output] :
       std::vector<std::tuple<std::string, ir::Shape, Ints, ir::Shape>>{{"mean_hw", {1, 3, 5, 6}, {2, 3}, {1, 3, 1, 1}},
                                                                         {"mean_c", {1, 3, 5, 6}, {1}, {1, 1, 5, 6}},
                                                                         {"mean_last", {1, 4, 7}, {-1}, {1, 4, 1}},
                                                                         {"mean_h_dropped", {1, 3, 5, 6}, {2}, {1, 3, 6}}}) {
    QuantizedGraphBuilder b;
    ir::Node* n = b.node("ReduceMean", {b.quantized_input("input", input, kInputQ)}, "mean", output, kInputQ);
    n->attrs["axes"] = axes;
    if (output.size() < input.size()) n->attrs["keepdims"] = int64_t{0};
    b.dequantized_output(n->output(0), "output");
    judge(*b.take(), name);
  }
}

TEST_CASE("TFLM: REDUCE_MAX over H and W, over C, without kept dims, and for GlobalMaxPool", "[tflm]") {
  using Ints = std::vector<int64_t>;
  judge(*reduce_max_graph("ReduceMax", {1, 3, 1, 1}, {{"axes", Ints{2, 3}}}), "reduce_max_hw");
  judge(*reduce_max_graph("ReduceMax", {1, 1, 5, 6}, {{"axes", Ints{1}}}), "reduce_max_c");
  judge(*reduce_max_graph("ReduceMax", {1, 3}, {{"axes", Ints{-1, -2}}, {"keepdims", int64_t{0}}}), "reduce_max_flat");
  // Over W alone without kept dims: N, C, H leave NHWC as N, H, C, so a TRANSPOSE puts them back.
  judge(*reduce_max_graph("ReduceMax", {1, 3, 5}, {{"axes", Ints{3}}, {"keepdims", int64_t{0}}}), "reduce_max_w");
  judge(*reduce_max_graph("GlobalMaxPool", {1, 3, 1, 1}, {}), "global_max_pool");
}

TEST_CASE("TFLM: GATHER of channels and columns (negative and repeated indices) and of a plain tensor", "[tflm]") {
  auto ints = [](const ir::Shape& shape, const std::vector<int64_t>& v) { return ir::Tensor::from_vector<int64_t>(shape, v); };
  judge(*gather_graph({1, 4, 3, 5}, 1, ints({3}, {3, -4, 3}), {1, 3, 3, 5}), "gather_channels");
  judge(*gather_graph({1, 4, 3, 5}, -1, ints({2}, {4, 0}), {1, 4, 3, 2}), "gather_columns");
  judge(*gather_graph({1, 12}, 1, ints({2, 2}, {0, 5, 11, -1}), {1, 2, 2}), "gather_plain");
}

TEST_CASE("TFLM: SOFTMAX over channels (the NHWC last dim) and, between TRANSPOSEs, over other axes", "[tflm]") {
  judge(*softmax_graph({1, 5, 3, 4}, 1), "softmax_channels");
  judge(*softmax_graph({1, 5, 3, 4}, 2), "softmax_rows");
  judge(*softmax_graph({1, 6, 7}, -2), "softmax_plain_middle");
  const auto names = op_names(verified_model(emit_named(*softmax_graph({1, 5, 3, 4}, 1))));
  CHECK(std::count(names.begin(), names.end(), "TRANSPOSE") == 0);
}

namespace {

// A float graph through the default int8 pipeline, calibrated on 32 seeded rows.
std::unique_ptr<ir::Graph> quantized(std::unique_ptr<ir::Graph> g) {
  passes::PassContext context = passes::testing::calibration_rows(*g, 32, 11);
  passes::run_pipeline(*g, passes::parse_pipeline(passes::default_int8_pipeline("minmax")), {}, &context);
  return g;
}

}  // namespace

TEST_CASE("TFLM: 1-D Conv, depthwise, pools, a residual Add and a denoiser as 2-D ops over a height of 1", "[tflm]") {
  judge(*quantized(passes::testing::classifier_1d()), "classifier_1d");
  const auto denoiser = quantized(passes::testing::denoiser_1d());
  judge(*denoiser, "denoiser_1d");
  // One channel in and out: the reshapes to and from a height of 1 keep the element order.
  const std::string bytes = emit_named(*denoiser);
  CHECK(op_names(verified_model(bytes)) ==
        std::vector<std::string>{"RESHAPE", "CONV_2D", "CONV_2D", "CONV_2D", "RESHAPE"});
}

TEST_CASE("TFLM: HardSigmoid as MUL, ADD and a clamp, on its own and merged into a Conv", "[tflm]") {
  for (const bool after_conv : {false, true}) {
    auto g = passes::testing::new_graph();
    ir::Value* v = g->add_input("x", ir::DType::Float32, {1, 3, 6, 6});
    if (after_conv) {
      v = g->add_node("Conv", {v, passes::testing::add_random_constant(*g, "w", {4, 3, 3, 3}, 7)}, {"c"}, "conv")->output(0);
    }
    ir::Node* hs = g->add_node("HardSigmoid", {v}, {"y"}, "hs");
    hs->attrs["alpha"] = 1.0f / 6.0f;
    g->add_output(hs->output(0));
    exec::infer_shapes(*g);
    judge(*quantized(std::move(g)), after_conv ? "hard_sigmoid_conv" : "hard_sigmoid");
  }
}

TEST_CASE("TFLM: an input normalization (x - mean) / std runs as SUB and MUL before the first Conv", "[tflm]") {
  auto g = passes::testing::new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 6, 6});
  ir::Value* mean = g->add_constant("mean", ir::Tensor::from_vector<float>({3, 1, 1}, {0.485f, 0.456f, 0.406f}));
  ir::Value* std_dev = g->add_constant("std", ir::Tensor::from_vector<float>({3, 1, 1}, {0.229f, 0.224f, 0.225f}));
  ir::Value* centred = g->add_node("Sub", {x, mean}, {"centred"}, "centre")->output(0);
  ir::Value* scaled = g->add_node("Div", {centred, std_dev}, {"scaled"}, "scale")->output(0);
  g->add_output(g->add_node("Conv", {scaled, passes::testing::add_random_constant(*g, "w", {4, 3, 3, 3}, 9)}, {"y"}, "conv")
                    ->output(0));
  exec::infer_shapes(*g);
  const auto q = quantized(std::move(g));
  CHECK(passes::testing::count_ops(*q, "Div") == 0);
  judge(*q, "normalization");
}

TEST_CASE("TFLM: BATCH_MATMUL of two activations, as self-attention's scores and mixing", "[tflm]") {
  // x[1,6,8] -> scores = x x^T [1,6,6] -> softmax -> probs x [1,6,8]; and a broadcast batch.
  auto g = passes::testing::new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 6, 8});
  ir::Node* xt = g->add_node("Transpose", {x}, {"xt"}, "transpose");
  xt->attrs["perm"] = std::vector<int64_t>{0, 2, 1};
  ir::Value* scores = g->add_node("MatMul", {x, xt->output(0)}, {"scores"}, "scores")->output(0);
  ir::Value* probs = g->add_node("Softmax", {scores}, {"probs"}, "softmax")->output(0);
  g->add_output(g->add_node("MatMul", {probs, x}, {"y"}, "mix")->output(0));
  exec::infer_shapes(*g);
  const auto q = quantized(std::move(g));
  CHECK(q->find_node("mix")->output(0)->dtype == ir::DType::Int8);
  judge(*q, "attention");
  const auto names = op_names(verified_model(emit_named(*q)));
  CHECK(std::count(names.begin(), names.end(), "BATCH_MATMUL") == 2);
  // Read back, the blob is the same int8 graph: MatMuls of two activations.
  const auto imported = tflite_format::import_tflite_bytes(tflite_format::emit_tflite_bytes(*q, {}), {});
  const auto ops = imported->nodes();
  CHECK(std::count_if(ops.begin(), ops.end(), [](const ir::Node* n) { return n->op_type == "MatMul"; }) == 2);
}

TEST_CASE("TFLM: multi-head attention, its [1, heads, T, d] tensors kept in the IR's order for BATCH_MATMUL", "[tflm]") {
  const auto q = quantized(passes::testing::multi_head_attention());
  CHECK(q->find_node("scores")->output(0)->dtype == ir::DType::Int8);
  judge(*q, "multi_head_attention");
  // Only the model's own four Transposes: none to NHWC and back around the 4-D tensors.
  const auto names = op_names(verified_model(emit_named(*q)));
  CHECK(std::count(names.begin(), names.end(), "TRANSPOSE") == 4);
  CHECK(std::count(names.begin(), names.end(), "BATCH_MATMUL") == 2);
  CHECK(std::count(names.begin(), names.end(), "RESHAPE") == 4);
  // tinyc reads its own blob back (the 4-D products through the file's order) and runs it as TFLM does.
  test::TempDir dir;
  const auto blob = dir.path() / "mha.tflite";
  test::write_bytes(blob, emit_named(*q));
  const auto rows = dir.path() / "rows.npy";
  io::write_npy(rows, uniform_rows({1, 6, 16}, 16, -3.0f, 3.0f, 8));
  check_against_tflm(blob, rows, dir.path(), 16, {TflmKernels::Reference});
}

TEST_CASE("TFLM: LOG_SOFTMAX over channels, over a plain tensor's last axis, and between TRANSPOSEs", "[tflm]") {
  for (const auto& [shape, axis] : std::vector<std::pair<ir::Shape, int64_t>>{{{1, 7, 3, 4}, 1}, {{1, 5, 11}, -1}, {{1, 4, 5, 6}, 2}}) {
    auto g = passes::testing::new_graph();
    ir::Value* x = g->add_input("x", ir::DType::Float32, shape);
    ir::Node* n = g->add_node("LogSoftmax", {x}, {"y"}, "log_softmax");
    n->attrs["axis"] = axis;
    g->add_output(n->output(0));
    exec::infer_shapes(*g);
    const auto q = quantized(std::move(g));
    REQUIRE(q->find_node("log_softmax")->output(0)->dtype == ir::DType::Int8);
    judge(*q, "log_softmax_" + std::to_string(shape.size()) + "_" + std::to_string(axis));
    const auto names = op_names(verified_model(emit_named(*q)));
    CHECK(std::count(names.begin(), names.end(), "LOG_SOFTMAX") == 1);
  }
}

TEST_CASE("TFLM: RSQRT (Pow(x, -0.5)) from a zero input code to the top of its range, its own output parameters",
          "[tflm]") {
  // Relu then a small Add: codes from the zero point (TFLM's 127 for 1 / sqrt(0)) across the range.
  auto g = passes::testing::new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 5, 24});
  ir::Value* r = g->add_node("Relu", {x}, {"r"}, "relu")->output(0);
  ir::Value* e = g->add_node("Add", {r, g->add_constant("eps", ir::Tensor::scalar<float>(0.01f))}, {"e"}, "add")->output(0);
  ir::Value* y = g->add_node("Pow", {e, g->add_constant("half", ir::Tensor::scalar<float>(-0.5f))}, {"y"}, "rsqrt")->output(0);
  g->add_output(y);
  exec::infer_shapes(*g);
  const auto q = quantized(std::move(g));
  CHECK(q->find_node("rsqrt")->output(0)->dtype == ir::DType::Int8);
  judge(*q, "rsqrt");
}

TEST_CASE("TFLM: a transformer block, LayerNormalization through RSQRT, Gelu through LOGISTIC, Linear layers on tokens",
          "[tflm]") {
  const auto q = quantized(passes::testing::transformer_block(passes::testing::GeluForm::Op));
  judge(*q, "transformer_block");
  const auto names = op_names(verified_model(emit_named(*q)));
  CHECK(std::count(names.begin(), names.end(), "RSQRT") == 2);
  CHECK(std::count(names.begin(), names.end(), "MEAN") == 4);
  CHECK(std::count(names.begin(), names.end(), "LOGISTIC") == 1);
  CHECK(std::count(names.begin(), names.end(), "FULLY_CONNECTED") == 6);
  CHECK(std::count(names.begin(), names.end(), "BATCH_MATMUL") == 2);
  // Read back: RSQRT is Pow(x, -0.5) again and the token-wise FULLY_CONNECTED a MatMul on rank 3.
  const auto imported = tflite_format::import_tflite_bytes(tflite_format::emit_tflite_bytes(*q, {}), {});
  const auto ops = imported->nodes();
  CHECK(std::count_if(ops.begin(), ops.end(), [](const ir::Node* n) { return n->op_type == "Pow"; }) == 2);
  judge(*quantized(passes::testing::exported_layer_norm()), "exported_layer_norm");
}

TEST_CASE("TFLM: UNIDIRECTIONAL_SEQUENCE_LSTM with an int16 cell state, time major with Y_h and batch first with Y",
          "[tflm]") {
  const auto time_major = quantized(passes::testing::sequence_classifier(false));
  REQUIRE(time_major->find_node("recurrent")->output(0)->dtype == ir::DType::Int8);
  judge(*time_major, "lstm_time_major");
  const auto names = op_names(verified_model(emit_named(*time_major)));
  CHECK(std::count(names.begin(), names.end(), "UNIDIRECTIONAL_SEQUENCE_LSTM") == 1);
  CHECK(std::count(names.begin(), names.end(), "STRIDED_SLICE") == 1);  // Y_h: the last step of Y
  const auto batch_first = quantized(passes::testing::batch_first_lstm());
  REQUIRE(batch_first->find_node("recurrent")->output(0)->dtype == ir::DType::Int8);
  judge(*batch_first, "lstm_batch_first");
  // TFLite's cell_clip (what the importer reads from converter-made files) clamps the cell state.
  auto clipped = batch_first->clone();
  clipped->find_node("recurrent")->attrs["cell_clip"] = 0.05f;
  judge(*clipped, "lstm_cell_clip");
  const ir::Tensor rows = uniform_rows({1, 8, 4}, 8, -1.0f, 1.0f, 3);
  CHECK_FALSE(same_bytes(exec::Executor(*clipped).run({rows}).front(), exec::Executor(*batch_first).run({rows}).front()));
}

TEST_CASE("tinyc compress --int8 takes a 1-D ONNX classifier to a .tflite that TFLM runs bit for bit", "[tflm][cli]") {
  test::TempDir dir;
  const auto model = dir.path() / "classifier_1d.onnx";
  onnx_format::export_model_file(*passes::testing::classifier_1d(), model);
  const auto rows = dir.path() / "rows.npy";
  io::write_npy(rows, uniform_rows({1, 3, 32}, 64, -1.0f, 1.0f, 3));
  const auto blob = dir.path() / "classifier_1d.tflite";
  const test::CommandResult r =
      test::run_tinyc({"compress", model.string(), "--int8", "--calib", rows.string(), "-o", blob.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_against_tflm(blob, rows, dir.path(), 64, {TflmKernels::Reference, TflmKernels::CmsisNn});
}

TEST_CASE("tinyc compress --int8 takes an exported ONNX LSTM classifier to a .tflite that TFLM runs bit for bit",
          "[tflm][cli]") {
  test::TempDir dir;
  const auto model = dir.path() / "lstm.onnx";
  onnx_format::export_model_file(*passes::testing::sequence_classifier(false), model);
  const auto calib = dir.path() / "calib.npy";
  const auto rows = dir.path() / "rows.npy";
  io::write_npy(calib, uniform_rows({1, 8, 4}, 128, -1.0f, 1.0f, 7));
  io::write_npy(rows, uniform_rows({1, 8, 4}, 48, -1.0f, 1.0f, 8));
  const auto blob = dir.path() / "lstm.tflite";
  const auto report = dir.path() / "report.json";
  const test::CommandResult r = test::run_tinyc({"compress", model.string(), "--int8", "--calib", calib.string(), "--eval",
                                                 rows.string(), "--report", report.string(), "-o", blob.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_against_tflm(blob, rows, dir.path(), 48, {TflmKernels::Reference, TflmKernels::CmsisNn});
  const auto j = nlohmann::json::parse(test::read_bytes(report));
  const double snr = j["evaluation"]["outputs"][0]["snr_db"].get<double>();
  INFO("output SNR " << snr << " dB");
  CHECK(snr > 25.0);
}

TEST_CASE("tinyc compress --int8 takes an exported ONNX transformer block to a .tflite that TFLM runs bit for bit",
          "[tflm][cli]") {
  test::TempDir dir;
  const auto model = dir.path() / "transformer.onnx";
  onnx_format::export_model_file(*passes::testing::transformer_block(passes::testing::GeluForm::ErfChain), model);
  const auto calib = dir.path() / "calib.npy";
  const auto rows = dir.path() / "rows.npy";
  io::write_npy(calib, uniform_rows({1, 6, 16}, 128, -1.0f, 1.0f, 3));
  io::write_npy(rows, uniform_rows({1, 6, 16}, 64, -1.0f, 1.0f, 4));
  const auto blob = dir.path() / "transformer.tflite";
  const auto report = dir.path() / "report.json";
  const test::CommandResult r = test::run_tinyc({"compress", model.string(), "--int8", "--calib", calib.string(), "--eval",
                                                 rows.string(), "--report", report.string(), "-o", blob.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_against_tflm(blob, rows, dir.path(), 64, {TflmKernels::Reference, TflmKernels::CmsisNn});
  const auto j = nlohmann::json::parse(test::read_bytes(report));
  const double snr = j["evaluation"]["outputs"][0]["snr_db"].get<double>();
  INFO("output SNR " << snr << " dB");
  CHECK(snr > 25.0);
  std::vector<std::string> layers;
  for (const auto& layer : j["evaluation"]["layers"]) layers.push_back(layer["name"].get<std::string>());
  for (const char* name : {"ln1", "ln2", "gelu", "probs"})
    CHECK(std::find(layers.begin(), layers.end(), name) != layers.end());
}

TEST_CASE("tinyc compress --int8 takes an exported ONNX multi-head attention to a .tflite that TFLM runs bit for bit",
          "[tflm][cli]") {
  test::TempDir dir;
  const auto model = dir.path() / "mha.onnx";
  onnx_format::export_model_file(*passes::testing::multi_head_attention(), model);
  const auto calib = dir.path() / "calib.npy";
  const auto rows = dir.path() / "rows.npy";
  io::write_npy(calib, uniform_rows({1, 6, 16}, 128, -1.0f, 1.0f, 5));
  io::write_npy(rows, uniform_rows({1, 6, 16}, 32, -1.0f, 1.0f, 6));
  const auto blob = dir.path() / "mha.tflite";
  const test::CommandResult r =
      test::run_tinyc({"compress", model.string(), "--int8", "--calib", calib.string(), "-o", blob.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_against_tflm(blob, rows, dir.path(), 32, {TflmKernels::Reference, TflmKernels::CmsisNn});
  const auto names = op_names(verified_model(test::read_bytes(blob)));
  CHECK(std::count(names.begin(), names.end(), "BATCH_MATMUL") == 2);
}
TEST_CASE("TFLM: a keyword-spotting-sized int8 LSTM, 49 steps of 40 features into hidden size 64", "[tflm]") {
  using passes::testing::add_random_constant;
  auto g = passes::testing::new_graph(13);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 49, 40});
  ir::Node* time_major = g->add_node("Transpose", {x}, {"time_major"}, "time_major");
  time_major->attrs["perm"] = std::vector<int64_t>{1, 0, 2};
  ir::Node* cell = g->add_node("LSTM",
                               {time_major->output(0), add_random_constant(*g, "W", {1, 256, 40}, 1),
                                add_random_constant(*g, "R", {1, 256, 64}, 2), add_random_constant(*g, "B", {1, 512}, 3)},
                               {"Y", "Y_h"}, "recurrent");
  cell->attrs["hidden_size"] = int64_t{64};
  ir::Value* shape = g->add_constant("flat", ir::Tensor::from_vector<int64_t>({2}, {1, 64}));
  ir::Value* last = g->add_node("Reshape", {cell->output(1), shape}, {"last"}, "last")->output(0);
  ir::Node* head = g->add_node(
      "Gemm", {last, add_random_constant(*g, "head_w", {12, 64}, 4), add_random_constant(*g, "head_b", {12}, 5)}, {"y"},
      "head");
  head->attrs["transB"] = int64_t{1};
  g->add_output(head->output(0));
  exec::infer_shapes(*g);
  const auto q = quantized(std::move(g));
  REQUIRE(q->find_node("recurrent")->output(0)->dtype == ir::DType::Int8);
  judge(*q, "kws_lstm");
}
