// int8 FullyConnected: TFLite Micro's fully_connected_test goldens (exact here), TFLite's
// per-tensor vs per-channel multiplier formulas, a float reference on seeded random data, and the
// parameter errors.
#include "exec/int8_reference/int8_fully_connected.h"

#include <catch2/catch.hpp>
#include <random>

#include "ir/error.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using namespace tinyc::quant_test;

namespace {

// fully_connected_test's 2x10 input and 3x10 weights.
const std::vector<float> kInput = {1, 2, 3, 4, 5, 6, 7, 8, -9, -10, 1, 2, 3, 4, 5, 6, 7, -8, 9, -10};
const std::vector<float> kWeights = {1, 2, 3, 4, 5,  6, 7, 8, 9, 10, 1, 2, 3, 4, 5,
                                     6, 7, 8, 9, 10, 1, 2, 3, 4, 5,  6, 7, 8, 9, 10};
const std::vector<float> kReluWeights = {1,  2,  3,  4,  5,   6, 7, 8, 9, 10, -1, -2, -3, -4, -5,
                                         -6, -7, -8, -9, -10, 1, 2, 3, 4, 5,  6,  7,  8,  9,  10};

// SimpleTestQuantizedInt8's parameters: input scale 1 zero point -1, weights scale 1, output scale
// 0.5 zero point -1, bias at scale 1.
std::vector<int8_t> run_simple(const std::vector<float>& weights, const std::vector<float>& bias,
                               ActivationBounds act) {
  const FullyConnectedParams p =
      prepare_fully_connected({2, 10}, {3, 10}, qp(1.0f, -1), qp(1.0f, 0), qp(0.5f, -1), act, true);
  std::vector<int8_t> y(6);
  fully_connected_int8(p, quantize(kInput, 1.0f, -1), quantize(weights, 1.0f, 0),
                       quantize_bias(bias, 1.0f, std::vector<float>{1.0f}), y);
  return y;
}

}  // namespace

TEST_CASE("FullyConnected int8 matches TFLite Micro's fully_connected_test goldens exactly", "[quant][fc]") {
  // SimpleTestQuantizedInt8: golden {24, 25, 26, 58, 59, 60} at scale 0.5, zero point -1. The
  // multiplier is exactly 2, so the result is exact: TFLM's tolerance is not needed.
  CHECK(run_simple(kWeights, {1, 2, 3}, ActivationBounds::none()) == std::vector<int8_t>{47, 49, 51, 115, 117, 119});
  // The relu data set (relu_weights_data, relu_bias_data, relu_golden {24, 0, 26, 58, 0, 60}).
  CHECK(run_simple(kReluWeights, {1, -2, 3}, ActivationBounds::relu()) ==
        quantize(std::vector<float>{24, 0, 26, 58, 0, 60}, 0.5f, -1));
}

TEST_CASE("FullyConnected int8 uses TFLite's per-tensor and per-channel multiplier formulas", "[quant][fc]") {
  const float s_in = 0.0312345f, s_w = 0.0071111f, s_out = 0.1234567f;
  // Per tensor: the float product of the scales, widened to double (GetQuantizedConvolutionMultipler).
  const FullyConnectedParams t =
      prepare_fully_connected({1, 4}, {2, 4}, qp(s_in, 0), qp(s_w, 0), qp(s_out, 0), {}, false);
  CHECK(t.multipliers == std::vector<QuantizedMultiplier>{
                             quantize_multiplier(static_cast<double>(s_in * s_w) / static_cast<double>(s_out))});
  // Per channel: both scales widened to double before multiplying.
  const FullyConnectedParams c =
      prepare_fully_connected({1, 4}, {2, 4}, qp(s_in, 0), per_channel({s_w, 2 * s_w}), qp(s_out, 0), {}, false);
  REQUIRE(c.multipliers.size() == 2);
  CHECK(c.multipliers[0] ==
        quantize_multiplier(static_cast<double>(s_in) * static_cast<double>(s_w) / static_cast<double>(s_out)));
  // The two formulas differ in the last bits for these scales; both paths are kept on purpose.
  CHECK(t.multipliers[0] != c.multipliers[0]);
}

TEST_CASE("FullyConnected int8 hand-computed per-channel case with a weight zero point per tensor", "[quant][fc]") {
  // Per channel: unit 0 scale 0.5, unit 1 scale 0.25; s_in 1, s_out 0.25 -> multipliers 2 and 1.
  const FullyConnectedParams p =
      prepare_fully_connected({1, 3}, {2, 3}, qp(1.0f, 2), per_channel({0.5f, 0.25f}), qp(0.25f, 1), {}, true);
  std::vector<int8_t> y(2);
  // x - 2 = {1, -1, 3}; unit 0: 1 - 2 + 9 = 8, +bias 1 = 9, * 2 = 18; unit 1: -4 -1 +0 = -5, +bias -3 = -8, * 1.
  fully_connected_int8(p, std::vector<int8_t>{3, 1, 5}, std::vector<int8_t>{1, 2, 3, -4, 1, 0},
                       std::vector<int32_t>{1, -3}, y);
  CHECK(y == std::vector<int8_t>{19, -7});
  // Per tensor with weight zero point 1 (TFLite's reference kernel subtracts it): w - 1 = {0, 1, 2}.
  const FullyConnectedParams t =
      prepare_fully_connected({1, 3}, {1, 3}, qp(1.0f, 2), qp(1.0f, 1), qp(1.0f, 0), {}, false);
  std::vector<int8_t> z(1);
  fully_connected_int8(t, std::vector<int8_t>{3, 1, 5}, std::vector<int8_t>{1, 2, 3}, {}, z);
  CHECK(z == std::vector<int8_t>{5});  // 0 * 1 + 1 * -1 + 2 * 3
}

TEST_CASE("FullyConnected int8 agrees with float math within 1 LSB on random data", "[quant][fc]") {
  std::mt19937 rng(99);
  const int64_t batch = 5, depth = 37, units = 11;
  const std::vector<float> x = random_floats(rng, batch * depth, -1, 3);
  const std::vector<float> w = random_floats(rng, units * depth, -0.5f, 0.5f);
  const std::vector<float> b = random_floats(rng, units, -1, 1);
  const AffineParams in = choose_asymmetric_params(-1, 3), out = choose_asymmetric_params(-4, 4);
  for (bool per_channel_weights : {false, true}) {
    const SymmetricWeights qw = quantize_weights_per_channel(w, per_channel_weights ? units : 1);
    const ir::QuantParams wq = per_channel_weights ? per_channel(qw.scales) : qp(qw.scales[0], 0);
    const std::vector<int32_t> qb = quantize_bias(b, in.scale, qw.scales);
    const FullyConnectedParams p =
        prepare_fully_connected({batch, depth}, {units, depth}, qp(in.scale, in.zero_point), wq,
                                qp(out.scale, out.zero_point), ActivationBounds::relu6(), true);
    const std::vector<int8_t> qx = quantize(x, in.scale, in.zero_point);
    std::vector<int8_t> y(batch * units);
    fully_connected_int8(p, qx, qw.values, qb, y);
    std::vector<int32_t> ref;
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t u = 0; u < units; ++u) {
        const double sw = qw.scales[per_channel_weights ? u : 0];
        double acc = qb[u] * in.scale * sw;
        for (int64_t k = 0; k < depth; ++k)
          acc += dequantize_value(qx[n * depth + k], in) * (qw.values[u * depth + k] * sw);
        ref.push_back(
            std::min(std::max(reference_quantize(acc, out.scale, out.zero_point), p.activation.min), p.activation.max));
      }
    CHECK(max_abs_diff(y, ref) <= 1);
  }
}

TEST_CASE("FullyConnected int8 rejects invalid shapes and parameters", "[quant][fc]") {
  CHECK_THROWS_AS(prepare_fully_connected({2, 9}, {3, 10}, qp(1, 0), qp(1, 0), qp(1, 0), {}, false), InputError);
  CHECK_THROWS_AS(prepare_fully_connected({2, 10}, {30}, qp(1, 0), qp(1, 0), qp(1, 0), {}, false), InputError);
  CHECK_THROWS_AS(prepare_fully_connected({2, 10}, {3, 10}, qp(1, 0), per_channel({1, 1}), qp(1, 0), {}, false),
                  InputError);
  CHECK_THROWS_AS(prepare_fully_connected({2, 10}, {3, 10}, qp(1, 0), qp(1, 0), qp(0, 0), {}, false), InputError);
  // {4, 5} flattens to 2 rows of 10, as TFLite's FullyConnected does.
  CHECK(prepare_fully_connected({4, 5}, {3, 10}, qp(1, 0), qp(1, 0), qp(1, 0), {}, false).batch == 2);
  const FullyConnectedParams p = prepare_fully_connected({2, 10}, {3, 10}, qp(1, 0), qp(1, 0), qp(1, 0), {}, true);
  std::vector<int8_t> x(20), w(30), y(6);
  // Prepared with a bias, called without one: a caller bug.
  CHECK_THROWS_AS(fully_connected_int8(p, x, w, {}, y), InternalError);
}
