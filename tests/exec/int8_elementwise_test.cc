// int8 Add, Mul, Relu, Clip, Sigmoid, Tanh and Softmax through the Executor on seeded random data:
// bit-equal to the int8_reference/ reference functions called directly, and within 1 LSB of the float
// kernels run on the dequantized graph.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

#include "exec/int8_reference/int8_activation.h"
#include "exec/int8_reference/int8_add.h"
#include "exec/int8_reference/int8_mul.h"
#include "exec/int8_reference/int8_softmax.h"
#include "int8_test_util.h"

using namespace tinyc;
using namespace tinyc::int8_test;
namespace quant = tinyc::exec::int8_reference;

namespace {

// A one-input graph: x (int8, in_q) -> op -> y (int8, out_q).
QuantGraph unary(const std::string& op, const ir::Shape& shape, const ir::QuantParams& in_q,
                 const ir::QuantParams& out_q, const ir::Attributes& attrs = {}) {
  QuantGraph q;
  q.output(q.node(op, {q.input("x", ir::DType::Int8, shape, in_q)}, "y", out_q, attrs));
  return q;
}

// Every int8 value once, as a 1 x 256 tensor.
ir::Tensor all_int8() {
  Int8s v;
  for (int i = -128; i <= 127; ++i) v.push_back(static_cast<int8_t>(i));
  return int8_tensor({1, 256}, v);
}

}  // namespace

TEST_CASE("int8 Add, Sub and Mul equal add_int8 / mul_int8 under broadcasting", "[exec][int8]") {
  const ir::QuantParams a_q = qp(0.02f, -3), b_q = qp(0.05f, 10);
  const ir::Tensor a = random_int8({1, 3, 4, 5}, 1), b = random_int8({1, 3, 1, 1}, 2);
  for (const std::string op : {"Add", "Sub", "Mul"}) {
    const ir::QuantParams out_q = op == "Mul" ? qp(0.06f, 1) : qp(0.04f, -2);
    QuantGraph q;
    ir::Value* x = q.input("a", ir::DType::Int8, {1, 3, 4, 5}, a_q);
    ir::Value* y = q.input("b", ir::DType::Int8, {1, 3, 1, 1}, b_q);
    q.output(q.node(op, {x, y}, "y", out_q, {{"activation_min", 0.0f}, {"activation_max", 3.0f}}));
    const Int8s got = run_int8(q.graph(), {a, b});
    Int8s expected(60);
    const quant::ActivationBounds act{0.0f, 3.0f};
    if (op == "Add") {
      quant::add_int8(quant::prepare_add({1, 3, 4, 5}, a_q, {1, 3, 1, 1}, b_q, out_q, act), int8_values(a),
                      int8_values(b), expected);
    } else if (op == "Sub") {
      quant::add_int8(quant::prepare_sub({1, 3, 4, 5}, a_q, {1, 3, 1, 1}, b_q, out_q, act), int8_values(a),
                      int8_values(b), expected);
    } else {
      quant::mul_int8(quant::prepare_mul({1, 3, 4, 5}, a_q, {1, 3, 1, 1}, b_q, out_q, act), int8_values(a),
                      int8_values(b), expected);
    }
    INFO(op);
    CHECK(got == expected);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {a, b})) <= 1);
  }
}

TEST_CASE("int8 Relu and Clip clamp in the input's quantized range", "[exec][int8]") {
  const ir::QuantParams p = qp(0.03f, -20);
  const ir::Tensor x = all_int8();
  SECTION("Relu: values below the zero point become the zero point") {
    QuantGraph q = unary("Relu", {1, 256}, p, p);
    const Int8s got = run_int8(q.graph(), {x});
    for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == std::max<int>(static_cast<int>(i) - 128, -20));
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {x})) == 0);
  }
  SECTION("Clip with float bounds, opset 13 (inputs) and opset 6 (attributes)") {
    // activation_range: -0.5 / 0.03 = -16.67 -> -17 - 20 = -37; 1.2 / 0.03 = 40 -> 20.
    QuantGraph q;
    ir::Value* in = q.input("x", ir::DType::Int8, {1, 256}, p);
    q.output(q.node("Clip",
                    {in, q.constant("lo", ir::Tensor::scalar<float>(-0.5f)),
                     q.constant("hi", ir::Tensor::scalar<float>(1.2f))},
                    "y", p));
    QuantGraph old = unary("Clip", {1, 256}, p, p, {{"min", -0.5f}, {"max", 1.2f}});
    old.graph().opset_imports[""] = 6;
    for (const QuantGraph* g : {&q, &old}) {
      const Int8s got = run_int8(g->graph(), {x});
      for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == std::clamp<int>(static_cast<int>(i) - 128, -37, 20));
      CHECK(quant_test::max_abs_diff(got, simulate_in_float(g->graph(), {x})) <= 1);
    }
  }
  SECTION("output parameters that differ from the input's are an error") {
    QuantGraph q = unary("Relu", {1, 256}, p, qp(0.05f, -20));
    CHECK_THROWS_WITH(exec::Executor(q.graph()), Catch::Contains("must share scale and zero point"));
  }
}

TEST_CASE("int8 Sigmoid and Tanh equal logistic_int8 / tanh_int8 over every input", "[exec][int8]") {
  const ir::QuantParams in_q = qp(0.06f, 3);
  const ir::Tensor x = all_int8();
  SECTION("Sigmoid") {
    QuantGraph q = unary("Sigmoid", {1, 256}, in_q, qp(1.0f / 256, -128));
    Int8s expected(256);
    quant::logistic_int8(quant::prepare_logistic(in_q, qp(1.0f / 256, -128), 256), int8_values(x), expected);
    const Int8s got = run_int8(q.graph(), {x});
    CHECK(got == expected);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {x})) <= 1);
  }
  SECTION("Tanh") {
    QuantGraph q = unary("Tanh", {1, 256}, in_q, qp(1.0f / 128, 0));
    Int8s expected(256);
    quant::tanh_int8(quant::prepare_tanh(in_q, qp(1.0f / 128, 0), 256), int8_values(x), expected);
    const Int8s got = run_int8(q.graph(), {x});
    CHECK(got == expected);
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {x})) <= 1);
  }
  SECTION("an output scale other than TFLite's fixed one is an error") {
    QuantGraph q = unary("Sigmoid", {1, 256}, in_q, qp(1.0f / 255, -128));
    CHECK_THROWS_AS(exec::Executor(q.graph()), InputError);
  }
}

TEST_CASE("int8 Softmax equals softmax_int8 over the last axis, and over a middle axis row by row", "[exec][int8]") {
  const ir::QuantParams in_q = qp(0.1f, -5), out_q = qp(1.0f / 256, -128);
  const ir::Tensor x = random_int8({2, 3, 10}, 3);
  QuantGraph q = unary("Softmax", {2, 3, 10}, in_q, out_q);
  Int8s expected(60);
  quant::softmax_int8(quant::prepare_softmax({2, 3, 10}, in_q, out_q), int8_values(x), expected);
  const Int8s got = run_int8(q.graph(), {x});
  CHECK(got == expected);
  CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {x})) <= 1);
  SECTION("a middle axis: each (outer, inner) lane is one row of softmax_int8") {
    QuantGraph middle = unary("Softmax", {2, 3, 10}, in_q, out_q, {{"axis", int64_t{1}}});
    const Int8s in = int8_values(x);
    Int8s rows(60);  // [2, 10, 3]: the lanes as rows
    for (int64_t o = 0; o < 2; ++o)
      for (int64_t d = 0; d < 3; ++d)
        for (int64_t i = 0; i < 10; ++i) rows[static_cast<size_t>((o * 10 + i) * 3 + d)] = in[static_cast<size_t>((o * 3 + d) * 10 + i)];
    Int8s normalized(60);
    quant::softmax_int8(quant::prepare_softmax({20, 3}, in_q, out_q), rows, normalized);
    const Int8s lanes = run_int8(middle.graph(), {x});
    for (int64_t o = 0; o < 2; ++o)
      for (int64_t d = 0; d < 3; ++d)
        for (int64_t i = 0; i < 10; ++i)
          CHECK(lanes[static_cast<size_t>((o * 3 + d) * 10 + i)] == normalized[static_cast<size_t>((o * 10 + i) * 3 + d)]);
    CHECK(quant_test::max_abs_diff(lanes, simulate_in_float(middle.graph(), {x})) <= 1);
  }
  SECTION("before opset 13 a middle axis normalizes several dims: no int8 kernel") {
    QuantGraph old(11);
    old.output(old.node("Softmax", {old.input("x", ir::DType::Int8, {2, 3, 10}, in_q)}, "y", out_q, {{"axis", int64_t{1}}}));
    CHECK_THROWS_WITH(exec::Executor(old.graph()), Catch::Contains("before opset 13"));
  }
}
