// int8 Add and Mul: TFLite Micro's add_test (exact: TFLM compares int8 outputs with tolerance
// 1e-5) and mul_test goldens, hand-computed cases, a float reference with broadcasting on seeded
// random data, and the shape/parameter errors.
#include <catch2/catch.hpp>
#include <random>

#include "exec/int8_reference/int8_add.h"
#include "exec/int8_reference/int8_mul.h"
#include "ir/error.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using namespace tinyc::quant_test;

namespace {

struct Operand {
  ir::Shape shape;
  std::vector<float> values;
  float scale;
  int32_t zero_point;
};

std::vector<int8_t> run_add(const Operand& a, const Operand& b, float out_scale, int32_t out_zp,
                            ActivationBounds act = ActivationBounds::none()) {
  const AddParams p =
      prepare_add(a.shape, qp(a.scale, a.zero_point), b.shape, qp(b.scale, b.zero_point), qp(out_scale, out_zp), act);
  std::vector<int8_t> y(static_cast<size_t>(p.broadcast.count));
  add_int8(p, quantize(a.values, a.scale, a.zero_point), quantize(b.values, b.scale, b.zero_point), y);
  return y;
}

std::vector<int8_t> run_mul(const Operand& a, const Operand& b, float out_scale, int32_t out_zp,
                            ActivationBounds act = ActivationBounds::none()) {
  const MulParams p =
      prepare_mul(a.shape, qp(a.scale, a.zero_point), b.shape, qp(b.scale, b.zero_point), qp(out_scale, out_zp), act);
  std::vector<int8_t> y(static_cast<size_t>(p.broadcast.count));
  mul_int8(p, quantize(a.values, a.scale, a.zero_point), quantize(b.values, b.scale, b.zero_point), y);
  return y;
}

}  // namespace

TEST_CASE("Add int8 matches TFLite Micro's add_test goldens exactly", "[quant][add]") {
  const std::vector<float> in1 = {-2.01f, -1.01f, -0.01f, 0.98f}, in2 = {1.01f, 1.99f, 2.99f, 4.02f};
  // QuantizedAddNoActivationInt8 and QuantizedAddActivationRelu1Int8: scales 0.25 / 0.5 / 1.0, zero
  // points -10 / 4 / 13.
  CHECK(run_add({{1, 2, 2, 1}, in1, 0.25f, -10}, {{1, 2, 2, 1}, in2, 0.5f, 4}, 1.0f, 13) ==
        quantize(std::vector<float>{-1, 1, 3, 5}, 1.0f, 13));
  CHECK(run_add({{1, 2, 2, 1}, in1, 0.25f, -10}, {{1, 2, 2, 1}, in2, 0.5f, 4}, 1.0f, 13,
                ActivationBounds::relu_n1_to_1()) == quantize(std::vector<float>{-1, 1, 1, 1}, 1.0f, 13));
  // QuantizedAddVariousInputShapesInt8: scales 0.1 / 0.05 / 0.1, zero points -9 / 5 / 14.
  const std::vector<float> a6 = {-2.0f, 0.2f, 0.7f, 0.8f, 1.1f, 2.0f}, b6 = {0.1f, 0.2f, 0.3f, 0.5f, 1.1f, 0.1f};
  for (const ir::Shape& s : {ir::Shape{6}, ir::Shape{2, 3}, ir::Shape{2, 1, 3}, ir::Shape{1, 3, 1, 2}})
    CHECK(run_add({s, a6, 0.1f, -9}, {s, b6, 0.05f, 5}, 0.1f, 14) ==
          quantize(std::vector<float>{-1.9f, 0.4f, 1.0f, 1.3f, 2.2f, 2.1f}, 0.1f, 14));
  // QuantizedAddWithScalarBroadcastInt8: scales 0.1 / 0.05 / 0.05, zero points -8 / 4 / 12.
  for (const ir::Shape& s : {ir::Shape{6}, ir::Shape{2, 3}, ir::Shape{2, 1, 3}, ir::Shape{1, 3, 1, 2}})
    CHECK(run_add({s, a6, 0.1f, -8}, {{}, {0.1f}, 0.05f, 4}, 0.05f, 12) ==
          quantize(std::vector<float>{-1.9f, 0.3f, 0.8f, 0.9f, 1.2f, 2.1f}, 0.05f, 12));
}

TEST_CASE("Add int8 matches TFLite Micro's QuantizedAddWithMixedBroadcastInt8 exactly", "[quant][add]") {
  const Operand a{
      {2, 3, 1, 2}, {-0.3f, 2.3f, 0.9f, 0.5f, 0.8f, -1.1f, 1.2f, 2.8f, -1.6f, 0.0f, 0.7f, -2.2f}, 0.1f, -10};
  const std::vector<float> b = {0.2f, 0.3f, -0.4f, 0.5f, 1.0f, 0.9f};
  const std::vector<ir::Shape> b_shapes = {{1, 1, 3, 2}, {1, 3, 1, 2}, {2, 1, 3, 1}, {2, 3, 1, 1}};
  const std::vector<std::vector<float>> goldens = {
      {-0.1f, 2.6f,  -0.7f, 2.8f,  0.7f,  3.2f,  1.1f, 0.8f,  0.5f, 1.0f,  1.9f, 1.4f,
       1.0f,  -0.8f, 0.4f,  -0.6f, 1.8f,  -0.2f, 1.4f, 3.1f,  0.8f, 3.3f,  2.2f, 3.7f,
       -1.4f, 0.3f,  -2.0f, 0.5f,  -0.6f, 0.9f,  0.9f, -1.9f, 0.3f, -1.7f, 1.7f, -1.3f},
      {-0.1f, 2.6f, 0.5f, 1.0f, 1.8f, -0.2f, 1.4f, 3.1f, -2.0f, 0.5f, 1.7f, -1.3f},
      {-0.1f, 2.5f,  0.0f,  2.6f,  -0.7f, 1.9f,  1.1f, 0.7f,  1.2f, 0.8f,  0.5f, 0.1f,
       1.0f,  -0.9f, 1.1f,  -0.8f, 0.4f,  -1.5f, 1.7f, 3.3f,  2.2f, 3.8f,  2.1f, 3.7f,
       -1.1f, 0.5f,  -0.6f, 1.0f,  -0.7f, 0.9f,  1.2f, -1.7f, 1.7f, -1.2f, 1.6f, -1.3f},
      {-0.1f, 2.5f, 1.2f, 0.8f, 0.4f, -1.5f, 1.7f, 3.3f, -0.6f, 1.0f, 1.6f, -1.3f}};
  for (size_t i = 0; i < b_shapes.size(); ++i)
    CHECK(run_add(a, {b_shapes[i], b, 0.05f, -5}, 0.1f, 7) == quantize(goldens[i], 0.1f, 7));
}

TEST_CASE("Add int8 hand-computed parameters and values", "[quant][add]") {
  // Equal input scales s: each input multiplier is 1/2, the output one 2s / (2^20 s_out).
  const AddParams p = prepare_add({2}, qp(0.5f, 0), {2}, qp(0.5f, 0), qp(0.5f, 0), {});
  CHECK(p.input1_multiplier == QuantizedMultiplier{1 << 30, 0});
  CHECK(p.output_multiplier == QuantizedMultiplier{1 << 30, -18});  // 2^-19 = 0.5 * 2^-18
  std::vector<int8_t> y(2);
  add_int8(p, std::vector<int8_t>{100, -100}, std::vector<int8_t>{100, -3}, y);
  CHECK(y == std::vector<int8_t>{127, -103});  // 200 saturates
}

TEST_CASE("Mul int8 matches TFLite Micro's mul_test goldens", "[quant][mul]") {
  // SimpleInt8NoAcativationShouldMatchGolden: all scales 0.01, zero points 0; TFLM's tolerance 1.
  CHECK(max_abs_diff(run_mul({{1, 2, 2, 1}, {-0.8f, 0.2f, 0.9f, 0.7f}, 0.01f, 0},
                             {{1, 2, 2, 1}, {0.6f, 0.4f, 0.9f, 0.8f}, 0.01f, 0}, 0.01f, 0),
                     quantize(std::vector<float>{-0.48f, 0.08f, 0.81f, 0.56f}, 0.01f, 0)) <= 1);
  // BroadcastInt8NoAcativationShouldMatchGolden: inputs at 0.05, output at 0.01, {1,3,1,2} * {1}.
  CHECK(max_abs_diff(
            run_mul({{1, 3, 1, 2}, {-2.0f, 0.2f, 0.7f, 0.8f, 1.1f, 2.0f}, 0.05f, 0}, {{1}, {0.1f}, 0.05f, 0}, 0.01f, 0),
            quantize(std::vector<float>{-0.2f, 0.02f, 0.07f, 0.08f, 0.11f, 0.2f}, 0.01f, 0)) <= 1);
}

TEST_CASE("Mul int8 hand-computed case with a unit multiplier", "[quant][mul]") {
  // 0.5 * 0.25 / 0.125 = 1: q = (q1 - z1) (q2 - z2) + z_out, then relu at z_out.
  const MulParams p = prepare_mul({3}, qp(0.5f, 1), {1}, qp(0.25f, -2), qp(0.125f, -5), ActivationBounds::relu());
  std::vector<int8_t> y(3);
  mul_int8(p, std::vector<int8_t>{4, 1, -1}, std::vector<int8_t>{3}, y);
  CHECK(y == std::vector<int8_t>{10, -5, -5});  // 3*5 - 5 = 10; 0 - 5; -2*5 - 5 = -15 -> relu -5
}

TEST_CASE("Add and Mul int8 agree with float math within 1 LSB under broadcasting", "[quant][add][mul]") {
  std::mt19937 rng(5);
  const AffineParams qa = choose_asymmetric_params(-2, 3), qb = choose_asymmetric_params(-1, 0.5f);
  const AffineParams sum_q = choose_asymmetric_params(-3, 3.5f), prod_q = choose_asymmetric_params(-3, 2);
  const std::vector<std::pair<ir::Shape, ir::Shape>> shapes = {{{3, 4, 5}, {3, 4, 5}},
                                                               {{2, 3, 4, 5}, {4, 1}},
                                                               {{5}, {2, 3, 5}},
                                                               {{2, 1, 4}, {1, 3, 1}},
                                                               {{7, 1, 3, 1, 2, 2}, {1, 1, 2, 1, 2}}};
  for (const auto& [sa, sb] : shapes) {
    const std::vector<int8_t> a = random_int8(rng, static_cast<size_t>(ir::num_elements(sa)));
    const std::vector<int8_t> b = random_int8(rng, static_cast<size_t>(ir::num_elements(sb)));
    const AddParams add = prepare_add(sa, qp(qa.scale, qa.zero_point), sb, qp(qb.scale, qb.zero_point),
                                      qp(sum_q.scale, sum_q.zero_point), ActivationBounds::relu());
    std::vector<int32_t> expect_add, expect_mul;
    for_each_broadcast(add.broadcast, [&](int64_t, int64_t ia, int64_t ib) {
      const double x = dequantize_value(a[static_cast<size_t>(ia)], qa);
      const double y = dequantize_value(b[static_cast<size_t>(ib)], qb);
      expect_add.push_back(std::max(reference_quantize(x + y, sum_q.scale, sum_q.zero_point), sum_q.zero_point));
      expect_mul.push_back(reference_quantize(x * y, prod_q.scale, prod_q.zero_point));
    });
    std::vector<int8_t> added(expect_add.size());
    add_int8(add, a, b, added);
    CHECK(max_abs_diff(added, expect_add) <= 1);
    if (sa.size() > 4 || sb.size() > 4) {  // beyond TFLite Micro's 4-D Mul broadcasting
      CHECK_THROWS_AS(
          prepare_mul(sa, qp(qa.scale, qa.zero_point), sb, qp(qb.scale, qb.zero_point), qp(prod_q.scale, 0), {}),
          InputError);
      continue;
    }
    const MulParams mul = prepare_mul(sa, qp(qa.scale, qa.zero_point), sb, qp(qb.scale, qb.zero_point),
                                      qp(prod_q.scale, prod_q.zero_point), {});
    std::vector<int8_t> multiplied(expect_mul.size());
    mul_int8(mul, a, b, multiplied);
    CHECK(max_abs_diff(multiplied, expect_mul) <= 1);
  }
}

TEST_CASE("Add and Mul int8 reject shapes and scales TFLite cannot run", "[quant][add][mul]") {
  CHECK_THROWS_AS(prepare_add({2, 3}, qp(1, 0), {4}, qp(1, 0), qp(1, 0), {}), InputError);
  // Broadcasting is limited to 6 dims for Add and 4 for Mul; equal shapes have no limit.
  const ir::Shape seven = {1, 1, 1, 1, 1, 1, 2};
  CHECK_THROWS_AS(prepare_add(seven, qp(1, 0), {1}, qp(1, 0), qp(1, 0), {}), InputError);
  CHECK_NOTHROW(prepare_add(seven, qp(1, 0), seven, qp(1, 0), qp(1, 0), {}));
  CHECK_THROWS_AS(prepare_mul({1, 1, 1, 2, 2}, qp(1, 0), {2}, qp(1, 0), qp(1, 0), {}), InputError);
  // An output scale below max(s1, s2) / 2^19 puts Add's output rescale at or above 1.
  CHECK_THROWS_AS(prepare_add({2}, qp(1, 0), {2}, qp(1, 0), qp(1e-6f, 0), {}), InputError);
  CHECK_THROWS_AS(prepare_mul({2}, qp(1, 0), {2}, qp(1, 200), qp(1, 0), {}), InputError);
  const MulParams p = prepare_mul({2, 2}, qp(1, 0), {2}, qp(1, 0), qp(1, 0), {});
  std::vector<int8_t> y(4);
  CHECK_THROWS_AS(mul_int8(p, std::vector<int8_t>(4), std::vector<int8_t>(4), y), InternalError);
}
