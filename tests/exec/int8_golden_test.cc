// TensorFlow Lite Micro's kernel-test golden vectors, end to end through the Executor: each op in
// its docs/ir.md form between QuantizeLinear and DequantizeLinear on the test's float data (or on
// its int8 data for ops that move bytes), with TFLM's tolerances. Tensors are reordered from
// TFLite's NHWC to tinyc's NCHW.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "int8_test_util.h"

using namespace tinyc;
using namespace tinyc::int8_test;
using quant_test::nhwc_to_nchw;
namespace quant = tinyc::exec::int8_reference;

namespace {

using Floats = std::vector<float>;

// One int8 op between the model's float edges: every input quantized with its own parameters,
// the op, its output dequantized.
class BorderGraph {
 public:
  BorderGraph& input(const ir::Shape& shape, const Floats& values, const ir::QuantParams& params) {
    const std::string name = "x" + std::to_string(feed_.size());
    ir::Value* x = q_.input(name, ir::DType::Float32, shape);
    args_.push_back(q_.node("QuantizeLinear", {x}, name + "_q", params));
    feed_.push_back(ir::Tensor::from_vector<float>(shape, values));
    return *this;
  }
  BorderGraph& constant(ir::Tensor t, std::optional<ir::QuantParams> params = std::nullopt) {
    args_.push_back(q_.constant("c" + std::to_string(args_.size()), std::move(t), std::move(params)));
    return *this;
  }
  Floats run(const std::string& op, const ir::QuantParams& output, const ir::Attributes& attrs = {}) {
    ir::Value* y = q_.node(op, args_, "y", output, attrs);
    q_.output(q_.node("DequantizeLinear", {y}, "out", std::nullopt));
    const ir::Tensor out = int8_test::run(q_.graph(), feed_).at(0);
    const auto v = out.values<float>();
    return {v.begin(), v.end()};
  }

 private:
  QuantGraph q_;
  std::vector<ir::Tensor> feed_;
  std::vector<ir::Value*> args_;
};

float max_diff(const Floats& a, const Floats& b) {
  REQUIRE(a.size() == b.size());
  float worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

// Weights quantized per output channel and the bias at input scale x weight scale, as TFLM's tests do.
void add_conv_constants(BorderGraph& g, const ir::Shape& w_shape, const Floats& weights, const Floats& bias,
                        float input_scale) {
  const quant::SymmetricWeights w = quant::quantize_weights_per_channel(weights, w_shape[0]);
  ir::QuantParams bias_q = per_channel(w.scales);
  for (float& s : bias_q.scale) s *= input_scale;
  g.constant(int8_tensor(w_shape, w.values), per_channel(w.scales))
      .constant(ir::Tensor::from_vector<int32_t>({w_shape[0]}, quant::quantize_bias(bias, input_scale, w.scales)),
                bias_q);
}

}  // namespace

TEST_CASE("TFLM conv_test and depthwise_conv_test goldens through the Executor", "[exec][int8][golden]") {
  SECTION("ConvTest.SimpleTestQuantizedPerChannel: 2x2x4x1 input, 3x2x2x1 filter, stride 2") {
    BorderGraph g;
    g.input({2, 1, 2, 4}, {1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 3, 4, 1, 2, 3, 4}, qp(0.5f, 0));
    add_conv_constants(g, {3, 1, 2, 2}, {1, 2, 3, 4, -1, 1, -1, 1, -1, -1, 1, 1}, {1, 2, 3}, 0.5f);
    const Floats y = g.run("Conv", qp(1.0f, 0), {{"strides", Ints{2, 2}}});
    const Floats golden_nhwc = {18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3};
    CHECK(max_diff(y, nhwc_to_nchw<float>(golden_nhwc, 2, 1, 2, 3)) <= 1.0f);  // TFLM's tolerance
  }
  SECTION("DepthwiseConvTest.SimpleTestQuantizedPerChannel: depth multiplier 2") {
    BorderGraph g;
    g.input({1, 2, 3, 2}, nhwc_to_nchw<float>(Floats{1, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12}, 1, 3, 2, 2), qp(0.5f, 0));
    const Floats filter_1hwc = {1, 2, 3, 4, -9, 10, -11, 12, 5, 6, 7, 8, 13, -14, 15, -16};
    add_conv_constants(g, {4, 1, 2, 2}, nhwc_to_nchw<float>(filter_1hwc, 1, 2, 2, 4), {1, 2, 3, 4}, 0.5f);
    const Floats y = g.run("Conv", qp(1.0f, 0), {{"group", int64_t{2}}});
    const Floats golden_nhwc = {71, -34, 99, -20, 91, -26, 127, -4};
    CHECK(max_diff(y, nhwc_to_nchw<float>(golden_nhwc, 1, 2, 1, 4)) <= 1.0f);
  }
}

TEST_CASE("TFLM fully_connected_test SimpleTestQuantizedInt8 through the Executor (exact)", "[exec][int8][golden]") {
  const Floats weights = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  BorderGraph g;
  g.input({2, 10}, {1, 2, 3, 4, 5, 6, 7, 8, -9, -10, 1, 2, 3, 4, 5, 6, 7, -8, 9, -10}, qp(1.0f, -1))
      .constant(int8_tensor({3, 10}, quant_test::quantize(weights, 1.0f, 0)), qp(1.0f, 0))
      .constant(ir::Tensor::from_vector<int32_t>({3}, {1, 2, 3}), qp(1.0f, 0));
  CHECK(g.run("Gemm", qp(0.5f, -1), {{"transB", int64_t{1}}}) == Floats{24, 25, 26, 58, 59, 60});
}

TEST_CASE("TFLM add_test and mul_test goldens through the Executor", "[exec][int8][golden]") {
  const Floats a = {-2.01f, -1.01f, -0.01f, 0.98f}, b = {1.01f, 1.99f, 2.99f, 4.02f};
  SECTION("QuantizedAddNoActivationInt8 and ...ActivationRelu1Int8 (exact)") {
    BorderGraph plain, relu1;
    plain.input({1, 2, 2, 1}, a, qp(0.25f, -10)).input({1, 2, 2, 1}, b, qp(0.5f, 4));
    relu1.input({1, 2, 2, 1}, a, qp(0.25f, -10)).input({1, 2, 2, 1}, b, qp(0.5f, 4));
    CHECK(plain.run("Add", qp(1.0f, 13)) == Floats{-1, 1, 3, 5});
    CHECK(relu1.run("Add", qp(1.0f, 13), {{"activation_min", -1.0f}, {"activation_max", 1.0f}}) ==
          Floats{-1, 1, 1, 1});
  }
  SECTION("SimpleInt8NoAcativationShouldMatchGolden (Mul, tolerance 1 LSB)") {
    BorderGraph g;
    g.input({1, 2, 2, 1}, {-0.8f, 0.2f, 0.9f, 0.7f}, qp(0.01f, 0)).input({1, 2, 2, 1}, {0.6f, 0.4f, 0.9f, 0.8f},
                                                                        qp(0.01f, 0));
    CHECK(max_diff(g.run("Mul", qp(0.01f, 0)), {-0.48f, 0.08f, 0.81f, 0.56f}) <= 0.0101f);
  }
}

TEST_CASE("TFLM pooling_test and reduce_test goldens through the Executor", "[exec][int8][golden]") {
  // The pooling tests' 1x2x4x1 NHWC input is 1x1x2x4 NCHW in the same element order.
  const ir::Attributes window = {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}};
  SECTION("SimpleMaxPoolTestInt8ActNone (exact)") {
    BorderGraph g;
    g.input({1, 1, 2, 4}, {0, 6, 2, 4, 3, 2, 10, 7}, qp(1.0f, 0));
    CHECK(g.run("MaxPool", qp(1.0f, 0), window) == Floats{6, 10});
  }
  SECTION("SimpleAveragePoolTestInt8PaddingValidStride2ActNone (exact: int8 {-1, 3} at 0.25)") {
    BorderGraph g;
    g.input({1, 1, 2, 4}, {0, -6, 2, 4, 3, 2, -10, 7}, qp(0.25f, 0));
    CHECK(g.run("AveragePool", qp(0.25f, 0), window) == Floats{-0.25f, 0.75f});
  }
  SECTION("MeanInt84DWithoutKeepDimsWithPrecision as ReduceMean and GlobalAveragePool (1 LSB)") {
    const Floats x = {1, 24, 13, 3, 9, 17, 11, 36, 14, 19, 17, 22};  // 2x2x3x1 NHWC = 2x1x2x3 NCHW
    BorderGraph reduce, global;
    reduce.input({2, 1, 2, 3}, x, qp(0.5f, 0));
    global.input({2, 1, 2, 3}, x, qp(0.5f, 0));
    CHECK(max_diff(reduce.run("ReduceMean", qp(0.5f, 0), {{"axes", Ints{2, 3}}, {"keepdims", int64_t{0}}}),
                   {11.166667f, 19.833334f}) <= 0.5f);
    CHECK(max_diff(global.run("GlobalAveragePool", qp(0.5f, 0)), {11.166667f, 19.833334f}) <= 0.5f);
  }
}

TEST_CASE("TFLM softmax_test, logistic_test and tanh_test goldens through the Executor", "[exec][int8][golden]") {
  SECTION("Softmax1DQuantizedInt8ShouldMatchGolden (1 LSB of 1/256)") {
    BorderGraph g;
    g.input({1, 5}, {1, 2, 3, 4, 5}, qp(0.1f, 0));
    CHECK(max_diff(g.run("Softmax", qp(1.0f / 256, -128)),
                   {0.011656231f, 0.031684921f, 0.086128544f, 0.234121657f, 0.636408647f}) <= 1.0f / 256);
  }
  SECTION("LogisticQuantizedInt8BasicShouldMatchGolden (1 LSB of 1/256)") {
    BorderGraph g;
    g.input({1, 10}, {1, 2, 3, 4, 5, -1, -2, -3, -4, -5}, qp(0.1f, 0));
    const Floats golden = {0.73105858f, 0.88079708f, 0.95257413f, 0.98201379f, 0.99330715f,
                           0.26894142f, 0.11920292f, 0.04742587f, 0.01798621f, 0.00669285f};
    CHECK(max_diff(g.run("Sigmoid", qp(1.0f / 256, -128)), golden) <= 1.0f / 256);
  }
  SECTION("SimpleTestTanhInt8 (TFLM's tolerance: 2 LSB of 1/128)") {
    Floats x, golden;
    for (int i = 0; i <= 88; ++i) {
      x.push_back(-8.0f + 16.0f * static_cast<float>(i) / 88.0f);
      golden.push_back(std::tanh(x.back()));
    }
    BorderGraph g;
    g.input({1, 89}, x, qp(16.0f / 256, 0));
    CHECK(max_diff(g.run("Tanh", qp(1.0f / 128, 0)), golden) <= 2.0f / 128 + 1e-6f);
  }
}

TEST_CASE("TFLM quantize_test and dequantize_test goldens through the Executor (exact)", "[exec][int8][golden]") {
  // QuantizeOpTestInt8 / DequantizeOpTestInt8: scale 0.5, zero point -1; the values survive the round trip.
  const Floats x = {-63.5f, -63, -62.5f, -62, -61.5f, 62, 62.5f, 63, 63.5f, 64};
  BorderGraph g;
  g.input({2, 5}, x, qp(0.5f, -1));
  CHECK(g.run("Identity", qp(0.5f, -1)) == x);
}

TEST_CASE("TFLM data-movement goldens on int8 data through the Executor (exact)", "[exec][int8][golden]") {
  const ir::QuantParams p = qp(0.1f, 0);
  const auto one_op = [&](const std::string& op, const ir::Shape& shape, const Int8s& x, const ir::Attributes& attrs,
                          std::vector<ir::Tensor> constants = {}) {
    QuantGraph q;
    std::vector<ir::Value*> inputs = {q.input("x", ir::DType::Int8, shape, p)};
    for (size_t i = 0; i < constants.size(); ++i) inputs.push_back(q.constant("c" + std::to_string(i), constants[i]));
    q.output(q.node(op, inputs, "y", p, attrs));
    return run_int8(q.graph(), {int8_tensor(shape, x)});
  };
  SECTION("ConcatenationTest.TwoInputsQuantizedInt8: 2x1x2 ++ 2x1x2 on axis 2") {
    QuantGraph q;
    ir::Value* a = q.input("a", ir::DType::Int8, {2, 1, 2}, p);
    ir::Value* b = q.input("b", ir::DType::Int8, {2, 1, 2}, p);
    q.output(q.node("Concat", {a, b}, "y", p, {{"axis", int64_t{2}}}));
    CHECK(run_int8(q.graph(), {int8_tensor({2, 1, 2}, {1, 2, 3, 4}), int8_tensor({2, 1, 2}, {5, 6, 7, 8})}) ==
          Int8s{1, 2, 5, 6, 3, 4, 7, 8});
  }
  SECTION("TransposeTest 3D: 2x3x4, perm {2, 0, 1}") {
    Int8s x(24);
    std::iota(x.begin(), x.end(), int8_t{0});
    CHECK(one_op("Transpose", {2, 3, 4}, x, {{"perm", Ints{2, 0, 1}}}) ==
          Int8s{0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23});
  }
  SECTION("PadTest Test2DInt8: 1x2x2x1 padded by 1 in N and W") {
    // NHWC pads {{1, 1}, {0, 0}, {1, 1}, {0, 0}} are ONNX NCHW pads N 1/1, C 0/0, H 0/0, W 1/1.
    const Int8s golden = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(one_op("Pad", {1, 1, 2, 2}, {1, 2, 3, 4}, {},
                 {ir::Tensor::from_vector<int64_t>({8}, {1, 0, 0, 1, 1, 0, 0, 1})}) == golden);
  }
  SECTION("ReshapeWithRegularShapesShouldSucceed: 1x2x4x1 -> 2x2x2") {
    CHECK(one_op("Reshape", {1, 2, 4, 1}, {1, 2, 3, 4, 5, 6, 7, 8}, {},
                 {ir::Tensor::from_vector<int64_t>({3}, {2, 2, 2})}) == Int8s{1, 2, 3, 4, 5, 6, 7, 8});
  }
}
