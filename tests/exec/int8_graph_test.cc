// A quantized graph in the docs/ir.md form end to end (QuantizeLinear -> Conv int8 with per-channel
// weights, int32 bias and a fused Relu -> MaxPool -> Flatten -> Gemm int8 -> Softmax ->
// DequantizeLinear): bit-equal to the chain of int8_reference/ reference functions, stacked rows equal single
// runs, and the dispatch rules: which kernel runs a node, the fused activation applied once, and
// the errors for a value without parameters or an op without an int8 kernel.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <map>

#include "exec/kernels/fused_activation.h"
#include "exec/kernels/registry.h"
#include "exec/int8_reference/int8_conv.h"
#include "exec/int8_reference/int8_fully_connected.h"
#include "exec/int8_reference/int8_pool.h"
#include "exec/int8_reference/int8_quantize.h"
#include "exec/int8_reference/int8_softmax.h"
#include "int8_test_util.h"

using namespace tinyc;
using namespace tinyc::int8_test;
namespace quant = tinyc::exec::int8_reference;

namespace {

const ir::QuantParams kInput = qp(0.02f, -5), kConv = qp(0.05f, -128), kFc = qp(0.1f, 3);
const ir::QuantParams kSoftmax = qp(1.0f / 256, -128);
const std::vector<float> kConvScales = {0.01f, 0.012f, 0.008f, 0.009f, 0.011f, 0.01f};

ir::QuantParams bias_params(const ir::QuantParams& input, const std::vector<float>& weight_scales) {
  ir::QuantParams p = per_channel(weight_scales);
  for (float& s : p.scale) s *= input.scale[0];
  return p;
}

std::vector<float> fc_scales() {
  std::vector<float> s;
  for (int i = 0; i < 10; ++i) s.push_back(0.004f + 0.0003f * static_cast<float>(i));
  return s;
}

// The quantized small CNN on a 1x2x8x8 float input, with its constants kept for the reference chain.
struct SmallCnn {
  ir::Tensor conv_w = random_weights({6, 2, 3, 3}, 1), conv_b = random_bias(6, 2);
  ir::Tensor fc_w = random_weights({10, 96}, 3), fc_b = random_bias(10, 4, 4000);
  QuantGraph q;

  SmallCnn() {
    ir::Value* x = q.node("QuantizeLinear", {q.input("x", ir::DType::Float32, {1, 2, 8, 8})}, "x_q", kInput);
    ir::Value* conv = q.node("Conv",
                             {x, q.constant("conv_w", conv_w, per_channel(kConvScales)),
                              q.constant("conv_b", conv_b, bias_params(kInput, kConvScales))},
                             "conv", kConv,
                             {{"pads", Ints{1, 1, 1, 1}},
                              {"fused_activation", std::string("Relu")},
                              {"activation_min", 0.0f},
                              {"activation_max", std::numeric_limits<float>::infinity()}});
    ir::Value* pool = q.node("MaxPool", {conv}, "pool", kConv, {{"kernel_shape", Ints{2, 2}}, {"strides", Ints{2, 2}}});
    ir::Value* flat = q.node("Flatten", {pool}, "flat", kConv);
    ir::Value* fc = q.node("Gemm",
                           {flat, q.constant("fc_w", fc_w, per_channel(fc_scales())),
                            q.constant("fc_b", fc_b, bias_params(kConv, fc_scales()))},
                           "fc", kFc, {{"transB", int64_t{1}}});
    ir::Value* prob = q.node("Softmax", {fc}, "prob_q", kSoftmax);
    q.output(q.node("DequantizeLinear", {prob}, "prob", std::nullopt));
  }

  // The same computation as direct calls of the int8_reference/ reference functions; `conv_out` receives
  // the int8 Conv output.
  std::vector<float> reference(std::span<const float> x, Int8s* conv_out = nullptr) const {
    Int8s xq(128), conv(384), pool(96), fc(10), prob(10);
    quant::quantize_int8(quant::prepare_affine(kInput, 128, "Quantize"), x, xq);
    const quant::ConvShape shape{{1, 2, 8, 8}, {6, 2, 3, 3}, 1, {1, 1}, {1, 1}, {1, 1, 1, 1}};
    const quant::ConvParams cp =
        quant::prepare_conv(shape, kInput, per_channel(kConvScales), kConv, quant::ActivationBounds::relu(), true);
    quant::conv_int8(cp, xq, conv_w.values<int8_t>(), conv_b.values<int32_t>(), conv);
    quant::max_pool_int8(quant::prepare_max_pool({{1, 6, 8, 8}, {2, 2}, {2, 2}}, kConv, kConv, {}), conv, pool);
    quant::fully_connected_int8(
        quant::prepare_fully_connected({1, 96}, {10, 96}, kConv, per_channel(fc_scales()), kFc, {}, true), pool,
        fc_w.values<int8_t>(), fc_b.values<int32_t>(), fc);
    quant::softmax_int8(quant::prepare_softmax({1, 10}, kFc, kSoftmax), fc, prob);
    std::vector<float> y(10);
    quant::dequantize_int8(quant::prepare_affine(kSoftmax, 10, "Dequantize"), prob, y);
    if (conv_out) *conv_out = conv;
    return y;
  }
};

std::vector<float> floats(const ir::Tensor& t) {
  const auto v = t.values<float>();
  return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("A quantized CNN runs bit-exactly as the chain of int8 reference functions", "[exec][int8]") {
  const SmallCnn cnn;
  const ir::Tensor x = random_float_tensor({1, 2, 8, 8}, 5, -2.5f, 2.5f);
  std::map<std::string, ir::Tensor> observed;
  const exec::Executor exe(cnn.q.graph());
  const ir::Tensor y = exe.run({x}, [&](const exec::ObservedValue& v) { observed.emplace(v.name, v.value); }).at(0);
  Int8s conv;
  const std::vector<float> expected = cnn.reference(x.values<float>(), &conv);
  CHECK(floats(y) == expected);
  REQUIRE(observed.count("conv"));
  CHECK(observed.at("conv").dtype() == ir::DType::Int8);
  CHECK(int8_values(observed.at("conv")) == conv);
  float sum = 0;
  for (float p : expected) sum += p;
  CHECK(sum == Approx(1.0f).margin(10.0f / 256));  // a real probability vector, not a degenerate one
  CHECK(*std::max_element(expected.begin(), expected.end()) < 0.9f);
}

TEST_CASE("Stacked rows of an int8 graph equal single runs bit for bit", "[exec][int8]") {
  const SmallCnn cnn;
  const exec::Executor exe(cnn.q.graph(), {2, 3});
  REQUIRE(exe.stacks_rows());
  const ir::Tensor batch = random_float_tensor({7, 2, 8, 8}, 6, -2.5f, 2.5f);
  const std::vector<float> stacked = floats(exe.run({batch}).at(0));
  REQUIRE(stacked.size() == 70);
  const auto all = batch.values<float>();
  for (size_t r = 0; r < 7; ++r) {
    const auto row = all.subspan(r * 128, 128);
    const ir::Tensor one = ir::Tensor::from_vector<float>({1, 2, 8, 8}, {row.begin(), row.end()});
    const std::vector<float> single = floats(exe.run({one}).at(0));
    CHECK(std::vector<float>(stacked.begin() + static_cast<std::ptrdiff_t>(r * 10),
                             stacked.begin() + static_cast<std::ptrdiff_t>(r * 10 + 10)) == single);
    CHECK(single == cnn.reference(row));
  }
}

TEST_CASE("An int8 value without quantization parameters is an error naming it", "[exec][int8]") {
  SmallCnn cnn;
  SECTION("a node output") {
    cnn.q.graph().find_value("conv")->quant.reset();
    CHECK_THROWS_WITH(exec::Executor(cnn.q.graph()),
                      Catch::Contains("output 'conv' has no quantization parameters") && Catch::Contains("(Conv)"));
  }
  SECTION("a weight") {
    cnn.q.graph().find_value("fc_w")->quant.reset();
    CHECK_THROWS_WITH(exec::Executor(cnn.q.graph()), Catch::Contains("weights 'fc_w' has no quantization parameters"));
  }
  SECTION("the QuantizeLinear output") {
    cnn.q.graph().find_value("x_q")->quant.reset();
    CHECK_THROWS_WITH(exec::Executor(cnn.q.graph()), Catch::Contains("'x_q' has no quantization parameters"));
  }
}

TEST_CASE("The registry picks the int8 kernel for quantized nodes and the float kernel otherwise", "[exec][int8]") {
  using exec::kernels::Domain;
  using exec::kernels::make_kernel;
  CHECK(make_kernel("Conv", Domain::Quantized)->applies_fused_activation());
  CHECK_FALSE(make_kernel("Conv", Domain::Float)->applies_fused_activation());
  // The borders have a kernel in each domain: ONNX's form (scale and zero-point inputs) and tinyc's.
  CHECK(make_kernel("QuantizeLinear", Domain::Float) != nullptr);
  CHECK(make_kernel("DequantizeLinear", Domain::Quantized) != nullptr);
  CHECK(make_kernel("Div", Domain::Quantized) == nullptr);

  SECTION("the float clamp wrapper leaves int8 kernels alone and wraps float ones") {
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {1, 4}, kConv);
    ir::Value* y = q.node("Add", {x, x}, "y", kConv, {{"activation_min", 0.0f}, {"activation_max", 6.0f}});
    const ir::Node& add = *y->producer();
    auto int8_kernel = make_kernel("Add", Domain::Quantized);
    const exec::kernels::Kernel* raw = int8_kernel.get();
    CHECK(exec::kernels::with_fused_activation(add, std::move(int8_kernel)).get() == raw);
    auto float_kernel = make_kernel("Add", Domain::Float);
    raw = float_kernel.get();
    CHECK(exec::kernels::with_fused_activation(add, std::move(float_kernel)).get() != raw);
  }
  SECTION("a fused activation on an int8 Add clamps in the output's quantized range, once") {
    // Output zero point -50 at scale 0.05: [0, 6] is q in [-50, 70]. A float clamp on the raw int8
    // values would give [0, 6] in q instead.
    const ir::QuantParams out_q = qp(0.05f, -50);
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {1, 256}, qp(0.05f, 0));
    q.output(q.node("Add", {x, x}, "y", out_q, {{"activation_min", 0.0f}, {"activation_max", 6.0f}}));
    Int8s all;
    for (int i = -128; i <= 127; ++i) all.push_back(static_cast<int8_t>(i));
    const Int8s got = run_int8(q.graph(), {int8_tensor({1, 256}, all)});
    CHECK(*std::min_element(got.begin(), got.end()) == -50);
    CHECK(*std::max_element(got.begin(), got.end()) == 70);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {int8_tensor({1, 256}, all)})) <= 1);
  }
  SECTION("an int8 kernel that cannot apply a fused activation refuses it") {
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {1, 4}, kFc);
    q.output(q.node("Softmax", {x}, "y", kSoftmax, {{"activation_min", 0.0f}}));
    CHECK_THROWS_WITH(exec::Executor(q.graph()), Catch::Contains("fused activation (activation_min/max) cannot"));
  }
  SECTION("int8 tensors without parameters keep ONNX integer semantics") {
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {3});
    q.output(q.node("Add", {x, x}, "y", std::nullopt));
    CHECK(run_int8(q.graph(), {int8_tensor({3}, {100, -3, 7})}) == Int8s{-56, -6, 14});  // wraps like numpy
  }
  SECTION("a quantized node of an op without an int8 kernel is an error") {
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {1, 4}, kConv);
    q.output(q.node("Div", {x, x}, "y", kConv));
    CHECK_THROWS_WITH(exec::Executor(q.graph()), Catch::Contains("Div has no int8 kernel"));
  }
}
