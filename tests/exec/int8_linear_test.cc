// int8 Conv (group 1 and depthwise), Gemm and MatMul through the Executor on seeded random data:
// bit-equal to the int8_reference/ reference functions called directly on the same data (the adapters add
// no arithmetic), and within 1 LSB of the float kernels run on the dequantized graph.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <set>

#include "exec/int8_reference/int8_depthwise_conv.h"
#include "exec/int8_reference/int8_fully_connected.h"
#include "int8_test_util.h"

using namespace tinyc;
using namespace tinyc::int8_test;
namespace quant = tinyc::exec::int8_reference;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// Bias parameters per docs/ir.md: scale input_scale x weight_scale[c], zero point 0, axis 0.
ir::QuantParams bias_params(float input_scale, const std::vector<float>& weight_scales) {
  ir::QuantParams p = per_channel(weight_scales);
  for (float& s : p.scale) s *= input_scale;
  return p;
}

template <class T>
std::vector<T> values_of(const ir::Tensor& t) {
  const auto v = t.values<T>();
  return {v.begin(), v.end()};
}

size_t distinct(const Int8s& v) { return std::set<int8_t>(v.begin(), v.end()).size(); }

// K x units -> units x K.
Int8s transposed(const Int8s& w, int64_t depth, int64_t units) {
  Int8s t(w.size());
  for (int64_t k = 0; k < depth; ++k)
    for (int64_t u = 0; u < units; ++u) t[static_cast<size_t>(u * depth + k)] = w[static_cast<size_t>(k * units + u)];
  return t;
}

}  // namespace

TEST_CASE("int8 Conv equals conv_int8 and float Conv within 1 LSB", "[exec][int8]") {
  const ir::QuantParams in_q = qp(0.05f, -7), out_q = qp(0.15f, 5);
  const std::vector<float> w_scales = {0.004f, 0.006f, 0.003f, 0.005f};
  const ir::Tensor w = random_weights({4, 3, 3, 3}, 2), b = random_bias(4, 3);
  QuantGraph q;
  ir::Value* x = q.input("x", ir::DType::Int8, {1, 3, 7, 6}, in_q);
  q.output(q.node("Conv",
                  {x, q.constant("w", w, per_channel(w_scales)), q.constant("b", b, bias_params(0.05f, w_scales))},
                  "y", out_q,
                  {{"pads", Ints{1, 0, 1, 1}},
                   {"strides", Ints{2, 1}},
                   {"fused_activation", std::string("Relu")},
                   {"activation_min", 0.0f},
                   {"activation_max", kInf}}));
  const ir::Tensor input = random_int8({1, 3, 7, 6}, 4);
  const Int8s got = run_int8(q.graph(), {input});

  const quant::ConvParams p = quant::prepare_conv({{1, 3, 7, 6}, {4, 3, 3, 3}, 1, {2, 1}, {1, 1}, {1, 0, 1, 1}}, in_q,
                                                  per_channel(w_scales), out_q, quant::ActivationBounds::relu(), true);
  Int8s expected(static_cast<size_t>(p.output_count()));
  quant::conv_int8(p, values_of<int8_t>(input), values_of<int8_t>(w), values_of<int32_t>(b), expected);
  CHECK(got == expected);
  CHECK(distinct(got) > 20);
  CHECK(*std::min_element(got.begin(), got.end()) == 5);  // the fused Relu clamps at the zero point
  CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {input})) <= 1);
}

TEST_CASE("int8 depthwise Conv equals depthwise_conv_int8 and float Conv within 1 LSB", "[exec][int8]") {
  // group = 4 input channels, depth multiplier 2, fused Relu6.
  const ir::QuantParams in_q = qp(0.04f, 3), out_q = qp(0.03f, -128);
  const std::vector<float> w_scales = {0.01f, 0.02f, 0.015f, 0.008f, 0.012f, 0.01f, 0.02f, 0.011f};
  const ir::Tensor w = random_weights({8, 1, 3, 3}, 5), b = random_bias(8, 6);
  QuantGraph q;
  ir::Value* x = q.input("x", ir::DType::Int8, {1, 4, 6, 6}, in_q);
  q.output(q.node("Conv",
                  {x, q.constant("w", w, per_channel(w_scales)), q.constant("b", b, bias_params(0.04f, w_scales))},
                  "y", out_q,
                  {{"group", int64_t{4}},
                   {"pads", Ints{1, 1, 1, 1}},
                   {"fused_activation", std::string("Relu6")},
                   {"activation_min", 0.0f},
                   {"activation_max", 6.0f}}));
  const ir::Tensor input = random_int8({1, 4, 6, 6}, 7);
  const Int8s got = run_int8(q.graph(), {input});

  const quant::ConvParams p =
      quant::prepare_depthwise_conv({{1, 4, 6, 6}, {8, 1, 3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}}, in_q,
                                    per_channel(w_scales), out_q, quant::ActivationBounds::relu6(), true);
  Int8s expected(static_cast<size_t>(p.output_count()));
  quant::depthwise_conv_int8(p, values_of<int8_t>(input), values_of<int8_t>(w), values_of<int32_t>(b), expected);
  CHECK(got == expected);
  CHECK(distinct(got) > 20);
  CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {input})) <= 1);
}

TEST_CASE("int8 Gemm equals fully_connected_int8 per channel and per tensor", "[exec][int8]") {
  const ir::QuantParams in_q = qp(0.06f, 10), out_q = qp(0.2f, -3);
  const ir::Tensor input = random_int8({3, 20}, 8);
  SECTION("transB = 1, per-channel weights along axis 0, int32 bias") {
    const std::vector<float> w_scales = {0.01f, 0.02f, 0.015f, 0.008f, 0.012f, 0.018f};
    const ir::Tensor w = random_weights({6, 20}, 9), b = random_bias(6, 10);
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {3, 20}, in_q);
    q.output(q.node("Gemm",
                    {x, q.constant("w", w, per_channel(w_scales)), q.constant("b", b, bias_params(0.06f, w_scales))},
                    "y", out_q, {{"transB", int64_t{1}}}));
    const Int8s got = run_int8(q.graph(), {input});
    const quant::FullyConnectedParams p =
        quant::prepare_fully_connected({3, 20}, {6, 20}, in_q, per_channel(w_scales), out_q, {}, true);
    Int8s expected(18);
    quant::fully_connected_int8(p, values_of<int8_t>(input), values_of<int8_t>(w), values_of<int32_t>(b), expected);
    CHECK(got == expected);
    CHECK(distinct(got) > 10);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {input})) <= 1);
  }
  SECTION("transB = 0 (weights K x units), per-tensor weights, fused clip") {
    const ir::Tensor w = random_weights({20, 6}, 11), b = random_bias(6, 12);
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {3, 20}, in_q);
    q.output(q.node("Gemm", {x, q.constant("w", w, qp(0.01f, 0)), q.constant("b", b, qp(0.0006f, 0))}, "y", out_q,
                    {{"activation_min", -2.0f}, {"activation_max", 3.0f}}));
    const Int8s got = run_int8(q.graph(), {input});
    const quant::FullyConnectedParams p =
        quant::prepare_fully_connected({3, 20}, {6, 20}, in_q, qp(0.01f, 0), out_q, {-2.0f, 3.0f}, true);
    Int8s expected(18);
    quant::fully_connected_int8(p, values_of<int8_t>(input), transposed(values_of<int8_t>(w), 20, 6),
                                values_of<int32_t>(b), expected);
    CHECK(got == expected);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {input})) <= 1);
  }
}

TEST_CASE("int8 MatMul with a constant weight is a FullyConnected over its leading dims", "[exec][int8]") {
  // Per-channel scales along axis 1: the output channels of a K x units MatMul weight.
  const ir::QuantParams in_q = qp(0.05f, 0), out_q = qp(0.1f, 2);
  const std::vector<float> w_scales = {0.01f, 0.02f, 0.015f, 0.008f, 0.012f};
  ir::QuantParams w_q = per_channel(w_scales);
  w_q.axis = 1;
  const ir::Tensor w = random_weights({16, 5}, 13);
  QuantGraph q;
  ir::Value* x = q.input("x", ir::DType::Int8, {2, 3, 16}, in_q);
  q.output(q.node("MatMul", {x, q.constant("w", w, w_q)}, "y", out_q));
  const ir::Tensor input = random_int8({2, 3, 16}, 14);
  const Int8s got = run_int8(q.graph(), {input});
  const quant::FullyConnectedParams p =
      quant::prepare_fully_connected({2, 3, 16}, {5, 16}, in_q, per_channel(w_scales), out_q, {}, false);
  Int8s expected(30);
  quant::fully_connected_int8(p, values_of<int8_t>(input), transposed(values_of<int8_t>(w), 16, 5), {}, expected);
  CHECK(got == expected);
  CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {input})) <= 1);
}

TEST_CASE("int8 Conv, Gemm and MatMul reject what TFLite's int8 kernels cannot run", "[exec][int8]") {
  const ir::QuantParams in_q = qp(0.05f, 0), out_q = qp(0.1f, 0);
  const auto rejects = [](QuantGraph& q, const std::string& message) {
    CHECK_THROWS_WITH(exec::Executor(q.graph()), Catch::Contains(message));
  };
  SECTION("a grouped Conv that is not depthwise") {
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {1, 4, 5, 5}, in_q);
    q.output(q.node("Conv", {x, q.constant("w", random_weights({4, 2, 3, 3}, 1), qp(0.01f, 0))}, "y", out_q,
                    {{"group", int64_t{2}}}));
    rejects(q, "group 2 is neither 1 nor the 4 input channels");
  }
  SECTION("a float bias") {
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {1, 2, 5, 5}, in_q);
    q.output(q.node("Conv",
                    {x, q.constant("w", random_weights({3, 2, 3, 3}, 1), qp(0.01f, 0)),
                     q.constant("b", ir::Tensor(ir::DType::Float32, {3}))},
                    "y", out_q));
    rejects(q, "bias must be 3 int32 values");
  }
  SECTION("per-channel MatMul scales along the wrong axis") {
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {1, 4}, in_q);
    q.output(q.node("MatMul", {x, q.constant("w", random_weights({4, 3}, 1), per_channel({0.1f, 0.2f, 0.3f, 0.4f}))},
                    "y", out_q));
    rejects(q, "per-channel scales along axis 0; the output channels are axis 1");
  }
  SECTION("Gemm with alpha") {
    QuantGraph q;
    ir::Value* x = q.input("x", ir::DType::Int8, {1, 4}, in_q);
    q.output(q.node("Gemm", {x, q.constant("w", random_weights({4, 3}, 1), qp(0.01f, 0))}, "y", out_q,
                    {{"alpha", 2.0f}}));
    rejects(q, "alpha and beta must be 1");
  }
}
