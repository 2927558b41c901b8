// The emitter op by op: depthwise conv, Add, GlobalAveragePool, padding choices, fused activations,
// and the nodes it must refuse.
#include <catch2/catch.hpp>

#include <limits>

#include "exec/shape_inference.h"
#include "formats/tflite/emit.h"
#include "passes/pass_test_util.h"
#include "quantized_graphs.h"
#include "support/test_support.h"
#include "tflite_test_util.h"

using namespace tinyc;
using namespace tinyc::tflite_test;
using Catch::Matchers::Contains;

namespace {

const ir::QuantParams kActQ = per_tensor(0.02f, -5);

// input [1,C,H,W] -> Q -> Conv (attributes set by `configure`) -> DQ, the Conv output [1,O,oh,ow].
std::unique_ptr<ir::Graph> single_conv(const ir::Shape& input, const ir::Shape& weights, const ir::Shape& output,
                                       const std::function<void(ir::Node*)>& configure) {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", input, kActQ);
  const ir::QuantParams wq = per_channel(std::vector<float>(static_cast<size_t>(weights[0]), 0.01f));
  ir::Value* w = b.int8_weights("w", weights, wq, 3);
  ir::Value* bias = b.int32_bias("b", weights[0], kActQ.scale[0], wq);
  ir::Node* conv = b.node("Conv", {x, w, bias}, "y", output, kActQ);
  conv->attrs["kernel_shape"] = std::vector<int64_t>{weights[2], weights[3]};
  configure(conv);
  b.dequantized_output(conv->output(0), "output");
  return b.take();
}

}  // namespace

TEST_CASE("a depthwise conv with multiplier 2 becomes DEPTHWISE_CONV_2D with 1HWC weights") {
  const auto g = single_conv({1, 3, 5, 5}, {6, 1, 3, 3}, {1, 6, 5, 5}, [](ir::Node* n) {
    n->attrs["group"] = int64_t{3};
    n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  });
  const std::string bytes = emit_named(*g);
  const fb::Model* m = verified_model(bytes);
  REQUIRE(op_names(m) == std::vector<std::string>{"DEPTHWISE_CONV_2D"});
  CHECK(code_of(m, op_at(m, 0)).version() == 3);
  const fb::DepthwiseConv2DOptions* options = op_at(m, 0).builtin_options_as_DepthwiseConv2DOptions();
  REQUIRE(options);
  CHECK(options->depth_multiplier() == 2);
  CHECK(options->padding() == fb::Padding::SAME);
  const fb::Tensor& w = tensor_at(m, op_at(m, 0).inputs()->Get(1));
  CHECK(shape_of(w) == std::vector<int32_t>{1, 3, 3, 6});
  CHECK(w.quantization()->quantized_dimension() == 3);
  CHECK(w.quantization()->scale()->size() == 6);
  const auto oihw = g->find_value("w")->constant().values<int8_t>();  // [6,1,3,3]
  const auto hwc = data_of<int8_t>(m, w);
  // output channel 5 (input channel 2, multiplier index 1), kernel row 2, column 0
  CHECK(hwc[static_cast<size_t>((2 * 3 + 0) * 6 + 5)] == oihw[static_cast<size_t>(5 * 9 + 2 * 3 + 0)]);
  // output channel 1 (input channel 0), kernel row 0, column 1
  CHECK(hwc[static_cast<size_t>((0 * 3 + 1) * 6 + 1)] == oihw[static_cast<size_t>(1 * 9 + 0 * 3 + 1)]);
  CHECK(shape_of(tensor_at(m, op_at(m, 0).outputs()->Get(0))) == std::vector<int32_t>{1, 5, 5, 6});
}

TEST_CASE("stride-2 convs: TFLite's SAME (odd pad at the end) is used, symmetric pads get an explicit PAD") {
  SECTION("pads 0,0,1,1 are SAME") {
    const auto g = single_conv({1, 1, 6, 6}, {2, 1, 3, 3}, {1, 2, 3, 3}, [](ir::Node* n) {
      n->attrs["strides"] = std::vector<int64_t>{2, 2};
      n->attrs["pads"] = std::vector<int64_t>{0, 0, 1, 1};
    });
    const std::string bytes = emit_named(*g);
    const fb::Model* m = verified_model(bytes);
    REQUIRE(op_names(m) == std::vector<std::string>{"CONV_2D"});
    CHECK(op_at(m, 0).builtin_options_as_Conv2DOptions()->padding() == fb::Padding::SAME);
    CHECK(op_at(m, 0).builtin_options_as_Conv2DOptions()->stride_h() == 2);
  }
  SECTION("pads 1,1,1,1 need PAD (1 before, 0 after) and a VALID conv") {
    const auto g = single_conv({1, 1, 6, 6}, {2, 1, 3, 3}, {1, 2, 3, 3}, [](ir::Node* n) {
      n->attrs["strides"] = std::vector<int64_t>{2, 2};
      n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
    });
    const std::string bytes = emit_named(*g);
    const fb::Model* m = verified_model(bytes);
    REQUIRE(op_names(m) == std::vector<std::string>{"PAD", "CONV_2D"});
    CHECK(code_of(m, op_at(m, 0)).version() == 2);
    const fb::Tensor& paddings = tensor_at(m, op_at(m, 0).inputs()->Get(1));
    CHECK(shape_of(paddings) == std::vector<int32_t>{4, 2});
    CHECK(data_of<int32_t>(m, paddings) == std::vector<int32_t>{0, 0, 1, 0, 1, 0, 0, 0});
    const fb::Tensor& padded = tensor_at(m, op_at(m, 0).outputs()->Get(0));
    CHECK(shape_of(padded) == std::vector<int32_t>{1, 7, 7, 1});
    CHECK(padded.quantization()->zero_point()->Get(0) == -5);  // PAD fills with the zero point
    CHECK(op_at(m, 1).inputs()->Get(0) == op_at(m, 0).outputs()->Get(0));
    CHECK(op_at(m, 1).builtin_options_as_Conv2DOptions()->padding() == fb::Padding::VALID);
  }
  SECTION("no pads are VALID") {
    const auto g = single_conv({1, 1, 6, 6}, {2, 1, 3, 3}, {1, 2, 2, 2}, [](ir::Node* n) {
      n->attrs["strides"] = std::vector<int64_t>{2, 2};
    });
    const std::string bytes = emit_named(*g);
    const fb::Model* m = verified_model(bytes);
    REQUIRE(op_names(m) == std::vector<std::string>{"CONV_2D"});
    CHECK(op_at(m, 0).builtin_options_as_Conv2DOptions()->padding() == fb::Padding::VALID);
  }
}

TEST_CASE("a grouped conv that is not depthwise is refused, naming the node") {
  const auto g = single_conv({1, 4, 5, 5}, {4, 2, 3, 3}, {1, 4, 3, 3}, [](ir::Node* n) { n->attrs["group"] = int64_t{2}; });
  CHECK_THAT(test::input_error_of([&] { emit_named(*g); }),
             Contains("Conv 'y_node'") && Contains("group 2"));
}

TEST_CASE("Add with a fused Relu6 becomes ADD with RELU6, GlobalAveragePool becomes MEAN over H, W") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 3, 4, 4}, kActQ);
  ir::Value* y = b.quantized_input("other", {1, 3, 4, 4}, per_tensor(0.03f, 2));
  const ir::QuantParams relu6_q = per_tensor(6.0f / 255, -128);
  ir::Node* add = b.node("Add", {x, y}, "sum", {1, 3, 4, 4}, relu6_q);
  fuse(add, "Relu6", 0.0f, 6.0f);
  ir::Node* gap = b.node("GlobalAveragePool", {add->output(0)}, "pooled", {1, 3, 1, 1}, per_tensor(0.01f, -100));
  ir::Node* flat = b.node("Flatten", {gap->output(0)}, "flat", {1, 3}, per_tensor(0.01f, -100));
  b.dequantized_output(flat->output(0), "output");
  const auto g = b.take();
  const std::string bytes = emit_named(*g);
  const fb::Model* m = verified_model(bytes);
  REQUIRE(op_names(m) == std::vector<std::string>{"ADD", "MEAN", "RESHAPE"});
  CHECK(code_of(m, op_at(m, 0)).version() == 2);
  CHECK(op_at(m, 0).builtin_options_as_AddOptions()->fused_activation_function() == fb::ActivationFunctionType::RELU6);
  CHECK(main_subgraph(m).inputs()->size() == 2);
  const fb::Operator& mean = op_at(m, 1);
  CHECK(code_of(m, mean).version() == 2);
  CHECK(data_of<int32_t>(m, tensor_at(m, mean.inputs()->Get(1))) == std::vector<int32_t>{1, 2});
  CHECK(mean.builtin_options_as_ReducerOptions()->keep_dims());
  CHECK(shape_of(tensor_at(m, mean.outputs()->Get(0))) == std::vector<int32_t>{1, 1, 1, 3});
  // [1,1,1,C] has the same element order in NHWC and NCHW: a plain RESHAPE, no Transpose.
  CHECK(shape_of(tensor_at(m, op_at(m, 2).outputs()->Get(0))) == std::vector<int32_t>{1, 3});
}

TEST_CASE("a fused clamp maps to the TFLite activation with the same int8 interval, or is refused") {
  auto graph_with_clamp = [](float lo, float hi, const ir::QuantParams& out_q) {
    return single_conv({1, 1, 4, 4}, {2, 1, 1, 1}, {1, 2, 4, 4}, [&](ir::Node* n) {
      fuse(n, "Clip", lo, hi);
      n->output(0)->quant = out_q;
    });
  };
  auto activation_of = [](const ir::Graph& g) {
    const std::string bytes = emit_named(g);
    return verified_model(bytes)->subgraphs()->Get(0)->operators()->Get(0)->builtin_options_as_Conv2DOptions()
        ->fused_activation_function();
  };
  // [0, 4] at an output range of exactly [0, 4]: RELU's interval [-128, 127] is the same.
  CHECK(activation_of(*graph_with_clamp(0.0f, 4.0f, per_tensor(4.0f / 255, -128))) == fb::ActivationFunctionType::RELU);
  // [-1, 1]: RELU_N1_TO_1.
  CHECK(activation_of(*graph_with_clamp(-1.0f, 1.0f, per_tensor(0.05f, 0))) ==
        fb::ActivationFunctionType::RELU_N1_TO_1);
  // [-10, 10] at a range of [-2.56, 2.54]: no clamp is left, NONE.
  CHECK(activation_of(*graph_with_clamp(-10.0f, 10.0f, per_tensor(0.02f, 0))) == fb::ActivationFunctionType::NONE);
  // [0, 4] at a range reaching 10: nothing matches.
  const auto refused = graph_with_clamp(0.0f, 4.0f, per_tensor(10.0f / 255, -128));
  CHECK_THAT(test::input_error_of([&] { emit_named(*refused); }),
             Contains("Conv 'y_node'") && Contains("fused clamp"));
}

TEST_CASE("a max pool whose pads are neither SAME nor VALID is refused") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 2, 6, 6}, kActQ);
  ir::Node* pool = b.node("MaxPool", {x}, "pooled", {1, 2, 4, 4}, kActQ);
  pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  pool->attrs["strides"] = std::vector<int64_t>{2, 2};
  pool->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  b.dequantized_output(pool->output(0), "output");
  const auto g = b.take();
  CHECK_THAT(test::input_error_of([&] { emit_named(*g); }),
             Contains("MaxPool 'pooled_node'") && Contains("neither TFLite's SAME nor VALID"));
}

TEST_CASE("every node without a TFLite int8 form is listed in one error") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 4}, kActQ);
  ir::Node* odd = b.node("Erf", {x}, "erf", {1, 4}, kActQ);
  ir::Node* topk = b.node("Hardmax", {odd->output(0)}, "hard", {1, 4}, kActQ);
  ir::Node* relu = b.node("Relu", {topk->output(0)}, "relu", {1, 4}, std::nullopt);
  relu->output(0)->dtype = ir::DType::Float32;
  b.graph().add_output(relu->output(0));
  const auto g = b.take();
  const std::string message = test::input_error_of([&] { emit_named(*g); });
  CHECK_THAT(message, Contains("3 node(s)") && Contains("Erf 'erf_node'") && Contains("Hardmax 'hard_node'") &&
                          Contains("Relu 'relu_node' (float32)") && Contains("write --format onnx-qdq"));
  // A graph nothing quantized yet is told to quantize first.
  auto plain = passes::testing::new_graph();
  ir::Value* in = plain->add_input("x", ir::DType::Float32, {1, 4});
  plain->add_output(plain->add_node("Relu", {in}, {"y"}, "relu")->output(0));
  exec::infer_shapes(*plain);
  CHECK_THAT(test::input_error_of([&] { emit_named(*plain); }),
             Contains("Relu 'relu' (float32)") && Contains("quantize the model first"));
}

TEST_CASE("io type int8 needs each float input to feed one QuantizeLinear") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 4}, kActQ);
  ir::Value* raw = b.graph().inputs().front();
  ir::Node* again = b.node("QuantizeLinear", {raw}, "again", {1, 4}, kActQ);
  ir::Node* add = b.node("Add", {x, again->output(0)}, "sum", {1, 4}, kActQ);
  b.dequantized_output(add->output(0), "output");
  const auto g = b.take();
  CHECK_THAT(test::input_error_of([&] { emit_named(*g); }),
             Contains("graph input 'input'") && Contains("--io-type float32"));
  tflite_format::EmitOptions float_io;
  float_io.io_type = tflite_format::IoType::Float32;
  const std::string bytes = emit_named(*g, float_io);
  CHECK(op_names(verified_model(bytes)) == std::vector<std::string>{"QUANTIZE", "QUANTIZE", "ADD", "DEQUANTIZE"});
  CHECK(tflite_format::parse_io_type("float32") == tflite_format::IoType::Float32);
  CHECK_THAT(test::input_error_of([] { tflite_format::parse_io_type("uint8"); }), Contains("int8, float32"));
}
