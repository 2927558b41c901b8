// int8 Quantize, Dequantize, Requantize, Concat, Pad and Reshape: TFLite Micro's quantize_test
// goldens (exact), hand-computed layouts, a float reference for the requantizing Concat, and the
// parameter errors.
#include <catch2/catch.hpp>
#include <random>

#include "exec/int8_reference/int8_concat.h"
#include "exec/int8_reference/int8_pad.h"
#include "exec/int8_reference/int8_quantize.h"
#include "exec/int8_reference/int8_reshape.h"
#include "ir/error.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using namespace tinyc::quant_test;

TEST_CASE("Quantize and Dequantize int8 round-trip with TFLite's rounding", "[quant][data]") {
  // The values of TFLM's QuantizeOpTest (scale 0.5, zero point -1): x / 0.5 - 1, ties away from 0.
  const std::vector<float> x = {-63.5f, -63, -62.5f, -62, -61.5f, 62, 62.5f, 63, 63.5f, 64};
  const AffineKernelParams p = prepare_affine(qp(0.5f, -1), 10, "Quantize");
  std::vector<int8_t> q(10);
  quantize_int8(p, x, q);
  CHECK(q == std::vector<int8_t>{-128, -127, -126, -125, -124, 123, 124, 125, 126, 127});
  std::vector<float> back(10);
  dequantize_int8(p, q, back);
  CHECK(back == x);
  // Ties go away from zero and out-of-range values saturate.
  quantize_int8(p, std::vector<float>{0.25f, -0.25f, 0.75f, 1e6f, -1e6f, 0, 0.5f, -0.75f, 1.25f, 100}, q);
  CHECK(q == std::vector<int8_t>{0, -2, 1, 127, -128, -1, 0, -3, 2, 127});
  CHECK_THROWS_AS(prepare_affine(qp(0.0f, 0), 1, "Quantize"), InputError);
  CHECK_THROWS_AS(quantize_int8(p, std::vector<float>(9), q), InternalError);
}

TEST_CASE("Requantize int8 matches TFLite Micro's quantize_test goldens exactly", "[quant][data]") {
  // QuantizeOpTestInt8toInt8: input scale 2 zero point 0 -> output scale 0.5 zero point 32.
  const std::vector<float> values = {-64, -62, -60, -58, -56, 54, 56, 58, 60, 62};
  RequantizeParams p = prepare_requantize(qp(2.0f, 0), qp(0.5f, 32), 10);
  std::vector<int8_t> y(10);
  requantize_int8(p, quantize(values, 2.0f, 0), y);
  CHECK(y == quantize(values, 0.5f, 32));
  // QuantizeOpTestInt8toInt8NoZeroPoint: scale 1 -> 0.5.
  const std::vector<float> small = {-32, -31, -30, -29, -28, 27, 28, 29, 30, 31};
  p = prepare_requantize(qp(1.0f, 0), qp(0.5f, 0), 10);
  requantize_int8(p, quantize(small, 1.0f, 0), y);
  CHECK(y == quantize(small, 0.5f, 0));
  // Identical parameters are the identity (multiplier 2^30 with shift 1).
  p = prepare_requantize(qp(0.3f, -7), qp(0.3f, -7), 256);
  std::vector<int8_t> all(256), out(256);
  for (int i = 0; i < 256; ++i) all[static_cast<size_t>(i)] = static_cast<int8_t>(i - 128);
  requantize_int8(p, all, out);
  CHECK(out == all);
}

TEST_CASE("Concat int8 copies matching inputs and requantizes the others", "[quant][data]") {
  // Axis 1 of 2x{1,2}x2: output rows interleave the inputs' blocks.
  const std::vector<ir::Shape> shapes = {{2, 1, 2}, {2, 2, 2}};
  const std::vector<ir::QuantParams> same = {qp(0.5f, 1), qp(0.5f, 1)};
  const ConcatParams p = prepare_concat(shapes, same, qp(0.5f, 1), 1);
  const std::vector<int8_t> a = {1, 2, 3, 4}, b = {10, 11, 12, 13, 14, 15, 16, 17};
  const std::vector<std::span<const int8_t>> inputs = {a, b};
  std::vector<int8_t> y(12);
  concat_int8(p, inputs, y);
  CHECK(y == std::vector<int8_t>{1, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17});
  // Negative axis; the second input at scale 1 zero point 0 requantized to scale 0.5 zero point 1:
  // q -> 2q + 1, saturating.
  const std::vector<ir::QuantParams> mixed = {qp(0.5f, 1), qp(1.0f, 0)};
  const ConcatParams m = prepare_concat(shapes, mixed, qp(0.5f, 1), -2);
  CHECK(m.copies == std::vector<bool>{true, false});
  concat_int8(m, inputs, y);
  CHECK(y == std::vector<int8_t>{1, 2, 21, 23, 25, 27, 3, 4, 29, 31, 33, 35});
}

TEST_CASE("Concat int8 requantized inputs agree with float math within 1 LSB", "[quant][data]") {
  std::mt19937 rng(17);
  const std::vector<ir::Shape> shapes = {{3, 5}, {3, 7}, {3, 2}};
  const std::vector<AffineParams> params = {{0.02f, 5}, {0.05f, -30}, {0.013f, 0}};
  const AffineParams out{0.04f, -3};
  std::vector<std::vector<int8_t>> data;
  std::vector<ir::QuantParams> qps;
  for (size_t i = 0; i < shapes.size(); ++i) {
    data.push_back(random_int8(rng, static_cast<size_t>(ir::num_elements(shapes[i]))));
    qps.push_back(qp(params[i].scale, params[i].zero_point));
  }
  const ConcatParams p = prepare_concat(shapes, qps, qp(out.scale, out.zero_point), 1);
  const std::vector<std::span<const int8_t>> inputs = {data[0], data[1], data[2]};
  std::vector<int8_t> y(42);
  concat_int8(p, inputs, y);
  std::vector<int32_t> ref;
  for (int64_t row = 0; row < 3; ++row)
    for (size_t i = 0; i < shapes.size(); ++i)
      for (int64_t c = 0; c < shapes[i][1]; ++c)
        ref.push_back(
            reference_quantize(dequantize_value(data[i][static_cast<size_t>(row * shapes[i][1] + c)], params[i]),
                               out.scale, out.zero_point));
  CHECK(max_abs_diff(y, ref) <= 1);
}

TEST_CASE("Pad int8 fills with the zero point", "[quant][data]") {
  // 1x2x2 padded by (0,1,0) before and (0,0,2) after: 1x3x4, border = zero point -5.
  const std::vector<int64_t> pads = {0, 1, 0, 0, 0, 2};
  const PadParams p = prepare_pad({1, 2, 2}, pads, qp(0.1f, -5), qp(0.1f, -5));
  std::vector<int8_t> y(12);
  pad_int8(p, std::vector<int8_t>{1, 2, 3, 4}, y);
  CHECK(y == std::vector<int8_t>{-5, -5, -5, -5, 1, 2, -5, -5, 3, 4, -5, -5});
  CHECK_THROWS_AS(prepare_pad({2, 2}, std::vector<int64_t>{0, -1, 0, 0}, qp(1, 0), qp(1, 0)), InputError);
  CHECK_THROWS_AS(prepare_pad({2, 2}, std::vector<int64_t>{0, 0}, qp(1, 0), qp(1, 0)), InputError);
  CHECK_THROWS_AS(prepare_pad({2, 2}, std::vector<int64_t>{0, 0, 0, 0}, qp(1, 0), qp(1, 1)), InputError);
}

TEST_CASE("Reshape int8 copies bytes and requires shared parameters", "[quant][data]") {
  const ReshapeParams p = prepare_reshape({2, 3}, qp(0.2f, 4), {3, 2}, qp(0.2f, 4));
  std::vector<int8_t> y(6);
  reshape_int8(p, std::vector<int8_t>{1, -2, 3, -4, 5, -6}, y);
  CHECK(y == std::vector<int8_t>{1, -2, 3, -4, 5, -6});
  CHECK_THROWS_AS(prepare_reshape({2, 3}, qp(0.2f, 4), {5}, qp(0.2f, 4)), InputError);
  CHECK_THROWS_AS(prepare_reshape({2, 3}, qp(0.2f, 4), {6}, qp(0.3f, 4)), InputError);
}

TEST_CASE("Concat int8 rejects mismatched shapes and parameters", "[quant][data]") {
  const std::vector<ir::Shape> shapes = {{2, 3}, {3, 3}};
  const std::vector<ir::QuantParams> qps = {qp(1, 0), qp(1, 0)};
  CHECK_THROWS_AS(prepare_concat(shapes, qps, qp(1, 0), 1), InputError);
  CHECK_NOTHROW(prepare_concat(shapes, qps, qp(1, 0), 0));
  CHECK_THROWS_AS(prepare_concat(shapes, qps, qp(1, 0), 2), InputError);
  CHECK_THROWS_AS(prepare_concat(shapes, std::vector<ir::QuantParams>{qp(1, 0), qp(0, 0)}, qp(1, 0), 0), InputError);
  CHECK_THROWS_AS(prepare_concat(shapes, std::vector<ir::QuantParams>{qp(1, 0)}, qp(1, 0), 0), InputError);
}
