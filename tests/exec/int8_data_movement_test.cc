// int8 Concat, Reshape / Flatten / Squeeze / Unsqueeze / Identity, Transpose, Slice, Pad and the
// QuantizeLinear / DequantizeLinear borders through the Executor: equal to the int8_reference/ reference
// functions (or to the moved bytes), within 1 LSB of the float graph, and the parameter errors;
// ONNX's own QuantizeLinear / DequantizeLinear form keeps ONNX's rounding.
#include <catch2/catch.hpp>

#include <algorithm>

#include "exec/int8_reference/int8_concat.h"
#include "exec/int8_reference/int8_pad.h"
#include "exec/int8_reference/int8_quantize.h"
#include "int8_test_util.h"

using namespace tinyc;
using namespace tinyc::int8_test;
namespace quant = tinyc::exec::int8_reference;

TEST_CASE("int8 Concat copies inputs with the output's parameters and requantizes the others", "[exec][int8]") {
  const ir::QuantParams a_q = qp(0.08f, -2), b_q = qp(0.1f, -5), out_q = qp(0.08f, -2);
  const ir::Tensor a = random_int8({1, 2, 3, 3}, 1), b = random_int8({1, 3, 3, 3}, 2);
  QuantGraph q;
  ir::Value* x = q.input("a", ir::DType::Int8, {1, 2, 3, 3}, a_q);
  ir::Value* y = q.input("b", ir::DType::Int8, {1, 3, 3, 3}, b_q);
  q.output(q.node("Concat", {x, y}, "y", out_q, {{"axis", int64_t{1}}}));
  const std::vector<ir::Shape> shapes = {{1, 2, 3, 3}, {1, 3, 3, 3}};
  const std::vector<ir::QuantParams> params = {a_q, b_q};
  const quant::ConcatParams p = quant::prepare_concat(shapes, params, out_q, 1);
  const Int8s a_values = int8_values(a), b_values = int8_values(b);
  const std::vector<std::span<const int8_t>> inputs = {a_values, b_values};
  Int8s expected(45);
  quant::concat_int8(p, inputs, expected);
  const Int8s got = run_int8(q.graph(), {a, b});
  CHECK(got == expected);
  CHECK(Int8s(got.begin(), got.begin() + 18) == a_values);  // the first input is copied
  CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {a, b})) <= 1);
}

TEST_CASE("int8 Reshape, Flatten, Squeeze, Unsqueeze and Identity copy the bytes", "[exec][int8]") {
  const ir::QuantParams p = qp(0.2f, 4);
  const ir::Tensor x = random_int8({1, 2, 3, 4}, 3);
  const auto reshaped = [&](const std::string& op, std::vector<ir::Value*> extra, const ir::Attributes& attrs,
                            const ir::QuantParams& out_q) {
    QuantGraph q;
    std::vector<ir::Value*> inputs = {q.input("x", ir::DType::Int8, {1, 2, 3, 4}, p)};
    for (ir::Value* v : extra) inputs.push_back(q.constant(v->name, v->constant()));
    q.output(q.node(op, inputs, "y", out_q, attrs));
    return q;
  };
  QuantGraph shapes;
  ir::Value* target = shapes.constant("shape", ir::Tensor::from_vector<int64_t>({2}, {1, 24}));
  ir::Value* axes = shapes.constant("axes", ir::Tensor::from_vector<int64_t>({1}, {0}));
  const auto check = [&](const QuantGraph& q, const ir::Shape& shape) {
    const ir::Tensor y = run(q.graph(), {x}).at(0);
    CHECK(y.shape() == shape);
    CHECK(int8_values(y) == int8_values(x));
  };
  check(reshaped("Reshape", {target}, {}, p), {1, 24});
  check(reshaped("Flatten", {}, {{"axis", int64_t{2}}}, p), {2, 12});
  check(reshaped("Squeeze", {axes}, {}, p), {2, 3, 4});
  check(reshaped("Unsqueeze", {axes}, {}, p), {1, 1, 2, 3, 4});
  check(reshaped("Identity", {}, {}, p), {1, 2, 3, 4});
  QuantGraph other = reshaped("Reshape", {target}, {}, qp(0.3f, 4));
  CHECK_THROWS_WITH(exec::Executor(other.graph()), Catch::Contains("must share scale and zero point"));
}

TEST_CASE("int8 Transpose permutes the bytes", "[exec][int8]") {
  const ir::QuantParams p = qp(0.2f, 4);
  const ir::Tensor x = random_int8({1, 2, 3, 4}, 4);
  QuantGraph q;
  q.output(q.node("Transpose", {q.input("x", ir::DType::Int8, {1, 2, 3, 4}, p)}, "y", p, {{"perm", Ints{0, 2, 3, 1}}}));
  const ir::Tensor y = run(q.graph(), {x}).at(0);
  REQUIRE(y.shape() == ir::Shape{1, 3, 4, 2});
  const Int8s in = int8_values(x), out = int8_values(y);
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t h = 0; h < 3; ++h)
      for (int64_t w = 0; w < 4; ++w)
        CHECK(out[static_cast<size_t>((h * 4 + w) * 2 + c)] == in[static_cast<size_t>((c * 3 + h) * 4 + w)]);
  QuantGraph other;
  other.output(other.node("Transpose", {other.input("x", ir::DType::Int8, {1, 2, 3, 4}, p)}, "y", qp(0.2f, 5)));
  CHECK_THROWS_WITH(exec::Executor(other.graph()), Catch::Contains("must share scale and zero point"));
}

TEST_CASE("int8 Slice picks the bytes, negative steps and clamped ends included", "[exec][int8]") {
  const ir::QuantParams p = qp(0.2f, 4);
  const ir::Tensor x = random_int8({1, 3, 5, 6}, 5);
  QuantGraph q;
  auto ints = [&](const std::string& name, const Ints& values) {
    return q.constant(name, ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values));
  };
  // Channels 2, 1, 0 (to the start), rows 1 and 3, columns 4 to the clamped end.
  q.output(q.node("Slice",
                  {q.input("x", ir::DType::Int8, {1, 3, 5, 6}, p), ints("starts", {-1, 1, 4}),
                   ints("ends", {-100, 4, 1000}), ints("axes", {1, 2, 3}), ints("steps", {-1, 2, 1})},
                  "y", p));
  const ir::Tensor y = run(q.graph(), {x}).at(0);
  REQUIRE(y.shape() == ir::Shape{1, 3, 2, 2});
  const Int8s in = int8_values(x), out = int8_values(y);
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t h = 0; h < 2; ++h)
      for (int64_t w = 0; w < 2; ++w)
        CHECK(out[static_cast<size_t>((c * 2 + h) * 2 + w)] ==
              in[static_cast<size_t>(((2 - c) * 5 + 1 + 2 * h) * 6 + 4 + w)]);
}

TEST_CASE("int8 Split cuts the bytes along an axis, and every part keeps the input's parameters", "[exec][int8]") {
  const ir::QuantParams p = qp(0.2f, 4);
  const ir::Tensor x = random_int8({1, 5, 2, 3}, 6);
  for (const bool same_params : {true, false}) {
    QuantGraph q;
    ir::Node* split = q.graph().add_node(
        "Split", {q.input("x", ir::DType::Int8, {1, 5, 2, 3}, p), q.constant("split", ir::Tensor::from_vector<int64_t>({2}, {2, 3}))},
        {"a", "b"});
    split->attrs["axis"] = int64_t{1};
    split->output(0)->quant = p;
    split->output(1)->quant = same_params ? p : qp(0.2f, 5);
    q.output(split->output(0));
    q.output(split->output(1));
    if (!same_params) {
      CHECK_THROWS_WITH(exec::Executor(q.graph()), Catch::Contains("must share scale and zero point"));
      continue;
    }
    const auto y = run(q.graph(), {x});
    REQUIRE(y.at(0).shape() == ir::Shape{1, 2, 2, 3});
    REQUIRE(y.at(1).shape() == ir::Shape{1, 3, 2, 3});
    const Int8s in = int8_values(x), a = int8_values(y[0]), b = int8_values(y[1]);
    CHECK(Int8s(in.begin(), in.begin() + 12) == a);
    CHECK(Int8s(in.begin() + 12, in.end()) == b);
  }
}

TEST_CASE("int8 Pad fills with the zero point, reflects, and refuses edge mode", "[exec][int8]") {
  const ir::QuantParams p = qp(0.1f, -9);
  const ir::Tensor x = random_int8({1, 2, 3, 3}, 5);
  const std::vector<int64_t> pads = {0, 0, 1, 2, 0, 0, 0, 1};
  const auto padded = [&](std::optional<ir::Tensor> value, const std::string& mode) {
    QuantGraph q;
    std::vector<ir::Value*> inputs = {q.input("x", ir::DType::Int8, {1, 2, 3, 3}, p),
                                      q.constant("pads", ir::Tensor::from_vector<int64_t>({8}, pads))};
    const bool int8_value = value && value->dtype() == ir::DType::Int8;
    if (value) inputs.push_back(q.constant("value", *value, int8_value ? std::optional(p) : std::nullopt));
    q.output(q.node("Pad", inputs, "y", p, {{"mode", mode}}));
    return q;
  };
  const quant::PadParams pp = quant::prepare_pad({1, 2, 3, 3}, pads, p, p);
  Int8s expected(static_cast<size_t>(pp.output_count));
  quant::pad_int8(pp, int8_values(x), expected);
  for (const auto& value : {std::optional<ir::Tensor>{}, std::optional(ir::Tensor::scalar<float>(0.0f)),
                            std::optional(ir::Tensor::scalar<int8_t>(-9))}) {
    QuantGraph q = padded(value, "constant");
    const Int8s got = run_int8(q.graph(), {x});
    CHECK(got == expected);
    CHECK(std::count(got.begin(), got.end(), int8_t{-9}) >= 2 * (4 * 6 - 3 * 3));  // the 1x2x4x6 border
    CHECK(quant_test::max_abs_diff(got, simulate_in_float(q.graph(), {x})) == 0);
  }
  QuantGraph nonzero = padded(ir::Tensor::scalar<float>(1.5f), "constant");
  CHECK_THROWS_WITH(exec::Executor(nonzero.graph()), Catch::Contains("fills with the zero point"));
  // Reflect (border not repeated): padded row 0 is input row 1; padded columns 0, 1 and 5 are
  // input columns 2, 1 and 1.
  QuantGraph reflect = padded(std::nullopt, "reflect");
  const Int8s mirrored = run_int8(reflect.graph(), {x});
  const Int8s in = int8_values(x);
  REQUIRE(mirrored.size() == 2 * 4 * 6);
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t h = 0; h < 4; ++h)
      for (int64_t w = 0; w < 6; ++w) {
        const int64_t ih = h == 0 ? 1 : h - 1;
        const int64_t iw = w == 0 ? 2 : w == 1 || w == 5 ? 1 : w - 2;
        CHECK(mirrored[static_cast<size_t>((c * 4 + h) * 6 + w)] == in[static_cast<size_t>((c * 3 + ih) * 3 + iw)]);
      }
  CHECK(quant_test::max_abs_diff(mirrored, simulate_in_float(reflect.graph(), {x})) == 0);
  QuantGraph edge = padded(std::nullopt, "edge");
  CHECK_THROWS_WITH(exec::Executor(edge.graph()), Catch::Contains("constant and reflect only"));
}

TEST_CASE("QuantizeLinear and DequantizeLinear use the int8 value's parameters", "[exec][int8]") {
  const ir::QuantParams p = qp(0.25f, 3);
  const ir::Tensor x =
      ir::Tensor::from_vector<float>({2, 5}, {-100, -0.125f, 0.125f, 0.375f, 0.625f, 1, 2.5f, 31, -32, 100});
  QuantGraph q;
  q.output(q.node("QuantizeLinear", {q.input("x", ir::DType::Float32, {2, 5})}, "q", p));
  const Int8s got = run_int8(q.graph(), {x});
  const quant::AffineKernelParams ap = quant::prepare_affine(p, 10, "QuantizeLinear");
  Int8s expected(10);
  quant::quantize_int8(ap, x.values<float>(), expected);
  CHECK(got == expected);
  CHECK(got == Int8s{-128, 2, 4, 5, 6, 7, 13, 127, -125, 127});  // x / 0.25 + 3, ties away from zero

  QuantGraph d;
  d.output(d.node("DequantizeLinear", {d.input("q", ir::DType::Int8, {2, 5}, p)}, "y", std::nullopt));
  const ir::Tensor y = run(d.graph(), {int8_tensor({2, 5}, got)}).at(0);
  REQUIRE(y.dtype() == ir::DType::Float32);
  for (size_t i = 0; i < got.size(); ++i) CHECK(y.values<float>()[i] == 0.25f * static_cast<float>(got[i] - 3));
}

TEST_CASE("QuantizeLinear and DequantizeLinear in ONNX's form keep ONNX semantics", "[exec][int8]") {
  // Scale and zero point as node inputs, uint8: ONNX rounds half to even where TFLite's Quantize
  // (tinyc's form above) rounds half away from zero.
  QuantGraph q;
  ir::Value* x = q.input("x", ir::DType::Float32, {6});
  ir::Value* scale = q.constant("scale", ir::Tensor::scalar<float>(1.0f));
  ir::Value* zero = q.constant("zero", ir::Tensor::scalar<uint8_t>(128));
  ir::Value* quantized = q.node("QuantizeLinear", {x, scale, zero}, "q", std::nullopt);
  q.output(quantized);
  q.output(q.node("DequantizeLinear", {quantized, scale, zero}, "y", std::nullopt));
  const std::vector<ir::Tensor> out =
      run(q.graph(), {ir::Tensor::from_vector<float>({6}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 200.0f})});
  REQUIRE(out.at(0).dtype() == ir::DType::UInt8);
  const auto u = out[0].values<uint8_t>();
  CHECK(std::vector<uint8_t>(u.begin(), u.end()) == std::vector<uint8_t>{128, 130, 130, 128, 126, 255});
  const auto y = out[1].values<float>();
  CHECK(std::vector<float>(y.begin(), y.end()) == std::vector<float>{0, 2, 2, 0, -2, 127});
}
