// int8 MaxPool, AveragePool and Mean: TFLite Micro's pooling_test (exact int8 goldens) and
// reduce_test goldens, hand-computed rounding cases, float references on seeded random data, and
// the parameter errors.
#include <catch2/catch.hpp>
#include <random>

#include "exec/int8_reference/int8_mean.h"
#include "exec/int8_reference/int8_pool.h"
#include "ir/error.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using namespace tinyc::quant_test;

namespace {

// The pooling tests' input is 1x2x4x1 NHWC, which is 1x1x2x4 NCHW with the same element order.
const ir::Shape kPoolInput = {1, 1, 2, 4};

std::vector<int8_t> run_average(const std::vector<int8_t>& x, PoolShape shape, float scale, ActivationBounds act) {
  const PoolParams p = prepare_average_pool(shape, qp(scale, 0), qp(scale, 0), act);
  std::vector<int8_t> y(static_cast<size_t>(p.output_count()));
  average_pool_int8(p, x, y);
  return y;
}

std::vector<int8_t> run_max(const std::vector<int8_t>& x, PoolShape shape, float scale, ActivationBounds act) {
  const PoolParams p = prepare_max_pool(shape, qp(scale, 0), qp(scale, 0), act);
  std::vector<int8_t> y(static_cast<size_t>(p.output_count()));
  max_pool_int8(p, x, y);
  return y;
}

std::vector<int8_t> run_mean(const ir::Shape& shape, std::vector<int64_t> axes, const std::vector<int8_t>& x,
                             const ir::QuantParams& in, const ir::QuantParams& out) {
  const MeanParams p = prepare_mean(shape, axes, in, out);
  std::vector<int8_t> y(static_cast<size_t>(p.kept.count));
  mean_int8(p, x, y);
  return y;
}

}  // namespace

TEST_CASE("AveragePool int8 matches TFLite Micro's pooling_test goldens exactly", "[quant][pool]") {
  const std::vector<int8_t> a = {0, -24, 8, 16, 12, 8, -40, 28};
  const std::vector<int8_t> b = {12, -24, 32, 16, 12, 8, 40, 28};
  // SimpleAveragePoolTestInt8PaddingValidStride2ActNone: -4/4 -> -1, 12/4 -> 3.
  CHECK(run_average(a, {kPoolInput, {2, 2}, {2, 2}}, 0.25f, {}) == std::vector<int8_t>{-1, 3});
  // ...PaddingValidStride1Stride2Relu (stride w 1, h 2).
  CHECK(run_average(a, {kPoolInput, {2, 2}, {2, 1}}, 0.25f, ActivationBounds::relu()) == std::vector<int8_t>{0, 0, 3});
  // ...PaddingValidStride2Stride1ReluN1To1 (stride w 2, h 1): +-1 at scale 0.25 is +-4.
  CHECK(run_average(a, {kPoolInput, {2, 2}, {1, 2}}, 0.25f, ActivationBounds::relu_n1_to_1()) ==
        std::vector<int8_t>{-1, 3});
  // ...PaddingValidStride2Relu6: 116/4 = 29 clamps to 6 / 0.25 = 24.
  CHECK(run_average(b, {kPoolInput, {2, 2}, {2, 2}}, 0.25f, ActivationBounds::relu6()) == std::vector<int8_t>{2, 24});
  // ...PaddingSameStride1ActNone: TFLM's 2x4 output reads past the bottom/right edge and divides by
  // the in-bounds count; here that is one row and column of end padding.
  CHECK(run_average(b, {kPoolInput, {2, 2}, {1, 1}, {0, 0, 1, 1}}, 0.25f, {}) ==
        std::vector<int8_t>{2, 14, 29, 22, 10, 24, 34, 28});
}

TEST_CASE("MaxPool int8 matches TFLite Micro's pooling_test goldens exactly", "[quant][pool]") {
  // SimpleMaxPoolTestInt8ActNone, MaxPoolTestInt8ActRelu (scale 0.5), ...ActReluN1To1, ...ActRelu6.
  CHECK(run_max({0, 6, 2, 4, 3, 2, 10, 7}, {kPoolInput, {2, 2}, {2, 2}}, 1.0f, {}) == std::vector<int8_t>{6, 10});
  CHECK(run_max({-3, -12, 4, 8, -6, -4, 20, 14}, {kPoolInput, {2, 2}, {2, 2}}, 0.5f, ActivationBounds::relu()) ==
        std::vector<int8_t>{0, 20});
  CHECK(run_max({-2, -6, -2, -4, -3, -2, 10, 7}, {kPoolInput, {2, 2}, {2, 2}}, 1.0f,
                ActivationBounds::relu_n1_to_1()) == std::vector<int8_t>{-1, 1});
  CHECK(run_max({0, -6, 12, 4, -3, -2, 10, 7}, {kPoolInput, {2, 2}, {2, 2}}, 1.0f, ActivationBounds::relu6()) ==
        std::vector<int8_t>{0, 6});
}

TEST_CASE("AveragePool int8 rounds raw sums half away from zero and skips padding", "[quant][pool]") {
  // Sums over raw values (zero point 10 is not subtracted, as in TFLite): {1, 2} -> 1.5 -> 2,
  // {-1, -2} -> -1.5 -> -2, {-1, 2} -> 0.5 -> 1.
  const PoolShape shape{{1, 3, 1, 2}, {1, 2}, {1, 1}};
  const PoolParams p = prepare_average_pool(shape, qp(0.1f, 10), qp(0.1f, 10), {});
  std::vector<int8_t> y(3);
  average_pool_int8(p, std::vector<int8_t>{1, 2, -1, -2, -1, 2}, y);
  CHECK(y == std::vector<int8_t>{2, -2, 1});
  // A 3x3 window with pads of 1 on a 2x2 input sees 4 elements everywhere (padding is never read).
  CHECK(run_average({4, 8, 12, 16}, {{1, 1, 2, 2}, {3, 3}, {1, 1}, {1, 1, 1, 1}}, 1.0f, {}) ==
        std::vector<int8_t>{10, 10, 10, 10});
  // MaxPool over a window of padding only yields -128 clamped to the activation range.
  CHECK(run_max({5}, {{1, 1, 1, 1}, {1, 1}, {1, 1}, {1, 1, 0, 0}}, 1.0f, ActivationBounds::relu()) ==
        std::vector<int8_t>{0, 0, 0, 5});
}

TEST_CASE("Pooling int8 agrees with float pooling within 1 LSB on random data", "[quant][pool]") {
  std::mt19937 rng(11);
  const ir::Shape input = {2, 3, 9, 7};
  const std::vector<int8_t> x = random_int8(rng, static_cast<size_t>(ir::num_elements(input)));
  const PoolShape shape{input, {3, 2}, {2, 2}, {1, 0, 1, 1}};
  const float scale = 0.07f;
  const int32_t zp = -20;
  const PoolParams p = prepare_average_pool(shape, qp(scale, zp), qp(scale, zp), {});
  std::vector<int8_t> avg(static_cast<size_t>(p.output_count())), max(avg.size());
  average_pool_int8(p, x, avg);
  max_pool_int8(p, x, max);
  std::vector<int32_t> ref_avg, ref_max;
  for (int64_t plane = 0; plane < p.planes; ++plane)
    for (int64_t oy = 0; oy < p.out_h; ++oy)
      for (int64_t ox = 0; ox < p.out_w; ++ox) {
        double sum = 0, best = -1e9;
        int n = 0;
        for (int64_t ky = 0; ky < p.kernel_h; ++ky)
          for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
            const int64_t iy = oy * p.stride_h - p.pad_top + ky, ix = ox * p.stride_w - p.pad_left + kx;
            if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
            const double v = dequantize_value(x[static_cast<size_t>((plane * p.in_h + iy) * p.in_w + ix)], {scale, zp});
            sum += v;
            best = std::max(best, v);
            ++n;
          }
        ref_avg.push_back(reference_quantize(sum / n, scale, zp));
        ref_max.push_back(reference_quantize(best, scale, zp));
      }
  CHECK(max_abs_diff(avg, ref_avg) <= 1);
  CHECK(max_abs_diff(max, ref_max) == 0);
}

TEST_CASE("Pooling int8 rejects unsupported parameters", "[quant][pool]") {
  CHECK_THROWS_AS(prepare_max_pool({kPoolInput, {2, 2}}, qp(0.25f, 0), qp(0.5f, 0), {}), InputError);
  CHECK_THROWS_AS(prepare_max_pool({kPoolInput, {2, 2}}, qp(0.25f, 0), qp(0.25f, 1), {}), InputError);
  CHECK_THROWS_AS(prepare_average_pool({kPoolInput, {3, 2}}, qp(0.25f, 0), qp(0.25f, 0), {}), InputError);
  CHECK_THROWS_AS(prepare_average_pool({{1, 1, 1, 1}, {1, 1}, {1, 1}, {1, 1, 0, 0}}, qp(1, 0), qp(1, 0), {}),
                  InputError);
  CHECK_THROWS_AS(prepare_average_pool({{1, 2, 3}, {1, 1}}, qp(1, 0), qp(1, 0), {}), InputError);
}

TEST_CASE("Mean int8 matches TFLite Micro's reduce_test golden", "[quant][mean]") {
  // MeanInt84DWithoutKeepDimsWithPrecision: 2x2x3x1 NHWC over axes {1, 2} = 2x1x2x3 NCHW over {2, 3},
  // scale 0.5 and zero point 0 in and out. TFLite Micro requantizes int8 means even with equal
  // parameters (QuantizedMeanOrSum): sums 134 and 238 times 1/6 as multiplier 2^32 / 6 at shift -1
  // round twice, 134 -> 44.67 -> 45 -> 22.5 -> 23 and 238 -> 79.33 -> 79 -> 39.5 -> 40, within the
  // golden 22 and 40 +- 1 (and what tflm_run computes on the same rows, tflm_ops_test's MEAN case).
  const std::vector<float> x = {1.0, 24.0, 13.0, 3.0, 9.0, 17.0, 11.0, 36.0, 14.0, 19.0, 17.0, 22.0};
  const std::vector<int8_t> y = run_mean({2, 1, 2, 3}, {2, 3}, quantize(x, 0.5f, 0), qp(0.5f, 0), qp(0.5f, 0));
  CHECK(max_abs_diff(y, quantize(std::vector<float>{11.166667f, 19.833334f}, 0.5f, 0)) <= 1);
  CHECK(y == std::vector<int8_t>{23, 40});
}

TEST_CASE("Mean int8 hand-computed requantizing path", "[quant][mean]") {
  // s_in 0.5, s_out 0.25 (multiplier 2), count 4: shift = floor(log2 4) = 2 folds 1/4 in exactly:
  // 2^30 * 2^2 / 4 = 2^30 at shift 2 - 2 = 0, i.e. 0.5 * (sum - 4 z_in) + z_out.
  const MeanParams p = prepare_mean({1, 2, 2, 2}, std::vector<int64_t>{-1, -2}, qp(0.5f, 3), qp(0.25f, -1));
  CHECK(p.multiplier == QuantizedMultiplier{1 << 30, 0});
  std::vector<int8_t> y(2);
  mean_int8(p, std::vector<int8_t>{3, 4, 5, 7, -1, -1, -1, 0}, y);
  // Channel 0: 19 - 12 = 7 -> 3.5 -> 4, - 1 = 3. Channel 1: -3 - 12 = -15 -> -7.5 -> -7 (the high
  // multiply rounds ties toward +infinity), - 1 = -8.
  CHECK(y == std::vector<int8_t>{3, -8});
}

TEST_CASE("Mean int8 agrees with float mean within 1 LSB on random data", "[quant][mean]") {
  std::mt19937 rng(3);
  const ir::Shape shape = {2, 5, 7, 6};
  const std::vector<int8_t> x = random_int8(rng, static_cast<size_t>(ir::num_elements(shape)));
  for (const auto& [in, out] : {std::pair{AffineParams{0.05f, 4}, AffineParams{0.05f, 4}},
                                std::pair{AffineParams{0.05f, 4}, AffineParams{0.02f, -10}}}) {
    const std::vector<int8_t> y =
        run_mean(shape, {2, 3}, x, qp(in.scale, in.zero_point), qp(out.scale, out.zero_point));
    std::vector<int32_t> ref;
    for (size_t plane = 0; plane < 10; ++plane) {
      double sum = 0;
      for (size_t i = 0; i < 42; ++i) sum += dequantize_value(x[plane * 42 + i], in);
      ref.push_back(reference_quantize(sum / 42, out.scale, out.zero_point));
    }
    CHECK(max_abs_diff(y, ref) <= 1);
  }
}

TEST_CASE("Mean int8 rejects invalid axes and parameters", "[quant][mean]") {
  CHECK_THROWS_AS(prepare_mean({1, 2, 2}, std::vector<int64_t>{3}, qp(1, 0), qp(1, 0)), InputError);
  CHECK_THROWS_AS(prepare_mean({1, 0, 2}, std::vector<int64_t>{1}, qp(1, 0), qp(1, 0)), InputError);
  CHECK_THROWS_AS(prepare_mean({1, 2, 2}, std::vector<int64_t>{1}, qp(1, 0), qp(0, 0)), InputError);
  // Duplicate axes count once, as TFLite's ResolveAxis does.
  CHECK(prepare_mean({3, 4}, std::vector<int64_t>{1, -1}, qp(1, 0), qp(1, 0)).reduced.count == 4);
}
