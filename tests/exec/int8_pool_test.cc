// int8 MaxPool, AveragePool, GlobalAveragePool and ReduceMean through the Executor on seeded random
// data: bit-equal to the int8_reference/ reference functions called directly (ONNX pads, ceil_mode and axes
// mapped to TFLite's geometry), and within 1 LSB of the float kernels on the dequantized graph.
#include <catch2/catch.hpp>

#include <limits>

#include "exec/int8_reference/int8_mean.h"
#include "exec/int8_reference/int8_pool.h"
#include "int8_test_util.h"

using namespace tinyc;
using namespace tinyc::int8_test;
namespace quant = tinyc::exec::int8_reference;

namespace {

QuantGraph unary(const std::string& op, const ir::Shape& shape, const ir::QuantParams& in_q,
                 const ir::QuantParams& out_q, const ir::Attributes& attrs) {
  QuantGraph q;
  q.output(q.node(op, {q.input("x", ir::DType::Int8, shape, in_q)}, "y", out_q, attrs));
  return q;
}

}  // namespace

TEST_CASE("int8 MaxPool and AveragePool equal the pooling reference functions", "[exec][int8]") {
  const ir::QuantParams p = qp(0.07f, -20);
  const ir::Tensor x = random_int8({2, 3, 7, 6}, 1);
  SECTION("MaxPool 3x3, stride 2, pads 1, fused Relu") {
    QuantGraph q = unary("MaxPool", {2, 3, 7, 6}, p, p,
                         {{"kernel_shape", Ints{3, 3}},
                          {"strides", Ints{2, 2}},
                          {"pads", Ints{1, 1, 1, 1}},
                          {"activation_min", 0.0f},
                          {"activation_max", std::numeric_limits<float>::infinity()}});
    const quant::PoolParams pp =
        quant::prepare_max_pool({{2, 3, 7, 6}, {3, 3}, {2, 2}, {1, 1, 1, 1}}, p, p, quant::ActivationBounds::relu());
    Int8s expected(static_cast<size_t>(pp.output_count()));
    quant::max_pool_int8(pp, int8_values(x), expected);
    const Int8s got = run_int8(q.graph(), {x});
    CHECK(got == expected);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {x})) == 0);
  }
  SECTION("AveragePool 3x3, stride 2, ceil_mode: the last window runs past the end") {
    // floor gives 3 x 2 windows on 7 x 6; ceil_mode gives 3 x 3, the extra column as end padding.
    QuantGraph q = unary("AveragePool", {2, 3, 7, 6}, p, p,
                         {{"kernel_shape", Ints{3, 3}}, {"strides", Ints{2, 2}}, {"ceil_mode", int64_t{1}}});
    const quant::PoolParams pp = quant::prepare_average_pool({{2, 3, 7, 6}, {3, 3}, {2, 2}, {0, 0, 0, 1}}, p, p, {});
    REQUIRE(pp.out_h == 3);
    REQUIRE(pp.out_w == 3);
    Int8s expected(static_cast<size_t>(pp.output_count()));
    quant::average_pool_int8(pp, int8_values(x), expected);
    const Int8s got = run_int8(q.graph(), {x});
    CHECK(got == expected);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {x})) <= 1);
  }
  SECTION("AveragePool counting its padding: the zero point padded first, as the blob's PAD does") {
    QuantGraph q = unary("AveragePool", {2, 3, 7, 6}, p, p,
                         {{"kernel_shape", Ints{3, 3}}, {"pads", Ints{1, 1, 1, 1}}, {"count_include_pad", int64_t{1}}});
    // Padded to 9 x 8 with the zero point (real 0), every window holds 9 elements.
    const quant::PoolParams pp = quant::prepare_average_pool({{2, 3, 9, 8}, {3, 3}, {1, 1}, {0, 0, 0, 0}}, p, p, {});
    Int8s padded(2 * 3 * 9 * 8, static_cast<int8_t>(p.zero_point[0]));
    const Int8s input = int8_values(x);
    for (int64_t plane = 0; plane < 6; ++plane)
      for (int64_t r = 0; r < 7; ++r)
        std::copy_n(input.begin() + (plane * 7 + r) * 6, 6, padded.begin() + (plane * 9 + r + 1) * 8 + 1);
    Int8s expected(static_cast<size_t>(pp.output_count()));
    quant::average_pool_int8(pp, padded, expected);
    const Int8s got = run_int8(q.graph(), {x});
    CHECK(got == expected);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {x})) <= 1);
  }
  SECTION("dilations have no int8 kernel") {
    QuantGraph dilated =
        unary("MaxPool", {2, 3, 7, 6}, p, p, {{"kernel_shape", Ints{2, 2}}, {"dilations", Ints{2, 2}}});
    CHECK_THROWS_WITH(exec::Executor(dilated.graph()), Catch::Contains("dilations"));
  }
}

TEST_CASE("int8 GlobalAveragePool and ReduceMean equal mean_int8 (TFLite MEAN)", "[exec][int8]") {
  const ir::QuantParams in_q = qp(0.05f, -10);
  const ir::Tensor x = random_int8({2, 3, 5, 4}, 2);
  const std::vector<int64_t> hw = {2, 3};
  SECTION("GlobalAveragePool with its own output parameters (requantizing path)") {
    const ir::QuantParams out_q = qp(0.01f, 4);
    QuantGraph q = unary("GlobalAveragePool", {2, 3, 5, 4}, in_q, out_q, {});
    Int8s expected(6);
    quant::mean_int8(quant::prepare_mean({2, 3, 5, 4}, hw, in_q, out_q), int8_values(x), expected);
    const Int8s got = run_int8(q.graph(), {x});
    CHECK(got == expected);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {x})) <= 1);
  }
  SECTION("ReduceMean over H, W with the input's parameters, opset 13 and 18") {
    QuantGraph attr = unary("ReduceMean", {2, 3, 5, 4}, in_q, in_q, {{"axes", Ints{-2, -1}}, {"keepdims", int64_t{0}}});
    QuantGraph input{18};
    input.output(input.node("ReduceMean",
                            {input.input("x", ir::DType::Int8, {2, 3, 5, 4}, in_q),
                             input.constant("axes", ir::Tensor::from_vector<int64_t>({2}, {2, 3}))},
                            "y", in_q));
    Int8s expected(6);
    quant::mean_int8(quant::prepare_mean({2, 3, 5, 4}, hw, in_q, in_q), int8_values(x), expected);
    for (const QuantGraph* q : {&attr, &input}) {
      const ir::Tensor y = run(q->graph(), {x}).at(0);
      CHECK(y.shape() == (q == &attr ? ir::Shape{2, 3} : ir::Shape{2, 3, 1, 1}));
      CHECK(int8_values(y) == expected);
      CHECK(quant_test::max_abs_diff(int8_values(y), simulate_in_float(q->graph(), {x})) <= 1);
    }
  }
}
