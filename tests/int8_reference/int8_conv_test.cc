// int8 Conv and DepthwiseConv: TFLite Micro's conv_test / depthwise_conv_test goldens (reordered
// from NHWC to NCHW), a float reference on seeded random data, hand-computed exact cases and the
// parameter errors.
#include <catch2/catch.hpp>
#include <random>

#include "exec/int8_reference/int8_depthwise_conv.h"
#include "ir/error.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using namespace tinyc::quant_test;

namespace {

// A float conv problem quantized the way TFLM's tests do: input and output per tensor, weights
// symmetric per output channel, bias at s_in * s_w[c].
struct FloatConv {
  ConvShape shape;
  std::vector<float> input, weights, bias;
  float input_scale = 1, output_scale = 1;
  int32_t input_zero_point = 0, output_zero_point = 0;
  ActivationBounds activation;
};

std::vector<int8_t> run_quantized(const FloatConv& c) {
  const SymmetricWeights w = quantize_weights_per_channel(c.weights, c.shape.weights[0]);
  const std::vector<int32_t> bias = quantize_bias(c.bias, c.input_scale, w.scales);
  const ConvParams p = prepare_conv(c.shape, qp(c.input_scale, c.input_zero_point), per_channel(w.scales),
                                    qp(c.output_scale, c.output_zero_point), c.activation, true);
  std::vector<int8_t> y(static_cast<size_t>(p.output_count()));
  conv_int8(p, quantize(c.input, c.input_scale, c.input_zero_point), w.values, bias, y);
  return y;
}

// The TFLM conv_test common problem: input 2x2x4x1, filter 3x2x2x1, stride 2, VALID.
FloatConv tflm_conv_common() {
  FloatConv c;
  c.shape = {{2, 1, 2, 4}, {3, 1, 2, 2}, 1, {2, 2}, {1, 1}, {0, 0, 0, 0}};
  c.input = {1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 3, 4, 1, 2, 3, 4};
  c.weights = {1, 2, 3, 4, -1, 1, -1, 1, -1, -1, 1, 1};
  c.bias = {1, 2, 3};
  c.input_scale = 0.5f;
  return c;
}

// Plain float convolution of dequantized data (double accumulation), quantized to the output grid.
std::vector<int32_t> reference_conv(const ConvParams& p, const std::vector<float>& x, const std::vector<float>& w,
                                    const std::vector<float>& bias, float out_scale, int32_t out_zp,
                                    ActivationRange act) {
  std::vector<int32_t> y;
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t oc = 0; oc < p.out_channels(); ++oc)
      for (int64_t oy = 0; oy < p.out_h; ++oy)
        for (int64_t ox = 0; ox < p.out_w; ++ox) {
          double acc = bias[static_cast<size_t>(oc)];
          const int64_t g = oc / p.group_out;
          for (int64_t ic = 0; ic < p.group_in; ++ic)
            for (int64_t ky = 0; ky < p.kernel_h; ++ky)
              for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
                const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
                const int64_t ix = ox * p.stride_w - p.pad_left + kx * p.dilation_w;
                if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
                acc += static_cast<double>(x[static_cast<size_t>(
                           ((n * p.groups * p.group_in + g * p.group_in + ic) * p.in_h + iy) * p.in_w + ix)]) *
                       w[static_cast<size_t>(((oc * p.group_in + ic) * p.kernel_h + ky) * p.kernel_w + kx)];
              }
          y.push_back(std::min(std::max(reference_quantize(acc, out_scale, out_zp), act.min), act.max));
        }
  return y;
}

}  // namespace

TEST_CASE("Conv int8 matches TFLite Micro's conv_test goldens", "[quant][conv]") {
  SECTION("ConvTest.SimpleTestQuantizedPerChannel") {
    const FloatConv c = tflm_conv_common();
    const std::vector<float> golden_nhwc = {18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3};
    const auto golden = quantize(nhwc_to_nchw<float>(golden_nhwc, 2, 1, 2, 3), 1.0f, 0);
    CHECK(max_abs_diff(run_quantized(c), golden) <= 1);  // TFLM's tolerance
  }
  SECTION("ConvTest.SimpleTestDilatedQuantizedPerChannel") {
    FloatConv c = tflm_conv_common();
    // Input 2x4x6x1, dilation (h 2, w 3). TFLM's 2x2 output rows read past the bottom edge, which
    // TFLM skips; here that is one row of bottom padding.
    c.shape = {{2, 1, 4, 6}, {3, 1, 2, 2}, 1, {2, 2}, {2, 3}, {0, 0, 1, 0}};
    c.input = {1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4,
               1, 2, 3, 4, 5, 6, 2, 6, 2, 4, 4, 2, 3, 2, 6, 5, 1, 4, 1, 2, 1, 4, 6, 3};
    const std::vector<float> golden_nhwc = {25, 2, 7, 25, 2, 7, 10, 2, -3, 10, 2, -3,
                                            39, 7, 6, 50, 3, 4, 14, 4, -5, 15, 0, -7};
    const auto golden = quantize(nhwc_to_nchw<float>(golden_nhwc, 2, 2, 2, 3), 1.0f, 0);
    CHECK(max_abs_diff(run_quantized(c), golden) <= 1);
  }
  SECTION("ConvTest.SimpleTestQuantizedPerChannelRelu6 (the output range itself is [0, 6])") {
    FloatConv c = tflm_conv_common();
    c.bias = {1, 2, -3};
    c.input_scale = c.output_scale = 0.023529f;
    c.input_zero_point = c.output_zero_point = -128;
    const std::vector<float> golden_nhwc = {6, 2, 0, 6, 2, 0, 6, 4, 0, 6, 4, 0};
    const auto golden = quantize(nhwc_to_nchw<float>(golden_nhwc, 2, 1, 2, 3), 0.023529f, -128);
    CHECK(max_abs_diff(run_quantized(c), golden) <= 1);
  }
  SECTION("ConvTest.Kernel1x1QuantizedPerChannel") {
    FloatConv c;
    c.shape = {{1, 4, 2, 2}, {3, 4, 1, 1}, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}};
    const std::vector<float> input_nhwc = {1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 3, 4, 1, 2, 3, 4};
    c.input = nhwc_to_nchw<float>(input_nhwc, 1, 2, 2, 4);
    c.weights = {1, 2, 3, 4, -1, 1, -1, 1, -1, -1, 1, 1};  // OHWI with H = W = 1 is OIHW
    c.bias = {1, 2, 3};
    c.input_scale = 0.5f;
    const std::vector<float> golden_nhwc = {11, 2, 3, 21, 2, 3, 31, 4, 7, 31, 4, 7};
    const auto golden = quantize(nhwc_to_nchw<float>(golden_nhwc, 1, 2, 2, 3), 1.0f, 0);
    CHECK(max_abs_diff(run_quantized(c), golden) <= 1);
  }
}

TEST_CASE("DepthwiseConv int8 matches TFLite Micro's depthwise_conv_test goldens", "[quant][conv]") {
  // TFLite's depthwise filter is 1 x kH x kW x C*M; tinyc's is C*M x 1 x kH x kW.
  auto run = [](const ir::Shape& input_nhwc, const std::vector<float>& input, const std::vector<float>& filter_1hwc,
                const std::vector<float>& bias, float in_scale, float out_scale, int32_t zp, ActivationBounds act) {
    const int64_t n = input_nhwc[0], h = input_nhwc[1], w = input_nhwc[2], c = input_nhwc[3];
    const auto out_channels = static_cast<int64_t>(bias.size());
    const std::vector<float> weights = nhwc_to_nchw<float>(filter_1hwc, 1, 2, 2, out_channels);
    const SymmetricWeights q = quantize_weights_per_channel(weights, out_channels);
    const DepthwiseShape shape{{n, c, h, w}, {out_channels, 1, 2, 2}};
    const ConvParams p =
        prepare_depthwise_conv(shape, qp(in_scale, zp), per_channel(q.scales), qp(out_scale, zp), act, true);
    std::vector<int8_t> y(static_cast<size_t>(p.output_count()));
    depthwise_conv_int8(p, quantize(nhwc_to_nchw<float>(input, n, h, w, c), in_scale, zp), q.values,
                        quantize_bias(bias, in_scale, q.scales), y);
    return y;
  };
  SECTION("SimpleTestQuantizedPerChannel (depth multiplier 2)") {
    const std::vector<float> golden_nhwc = {71, -34, 99, -20, 91, -26, 127, -4};
    const auto y = run({1, 3, 2, 2}, {1, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12},
                       {1, 2, 3, 4, -9, 10, -11, 12, 5, 6, 7, 8, 13, -14, 15, -16}, {1, 2, 3, 4}, 0.5f, 1.0f, 0,
                       ActivationBounds::none());
    CHECK(max_abs_diff(y, quantize(nhwc_to_nchw<float>(golden_nhwc, 1, 2, 1, 4), 1.0f, 0)) <= 1);
  }
  SECTION("TestQuantizedPerChannelDepthMultiplier1Relu6") {
    const std::vector<float> golden_nhwc = {0, 6, 3, 0, 0, 6, 3, 0};
    const auto y =
        run({1, 3, 2, 4}, std::vector<float>(24, 1.0f), {0, 1, 8, -2, -1, 2, -10, 0, -1, 3, -18, 0, 0, 4, 20, -3},
            {1, 2, 3, 4}, 0.023529f, 0.023529f, -128, ActivationBounds::relu6());
    CHECK(max_abs_diff(y, quantize(nhwc_to_nchw<float>(golden_nhwc, 1, 2, 1, 4), 0.023529f, -128)) <= 1);
  }
}

TEST_CASE("Conv int8 hand-computed exact case with a unit multiplier", "[quant][conv]") {
  // s_in 0.5 * s_w 0.25 / s_out 0.125 = 1, so q_out = acc + bias + z_out exactly.
  const ConvShape shape{{1, 1, 3, 3}, {1, 1, 2, 2}};
  const ConvParams p = prepare_conv(shape, qp(0.5f, 1), qp(0.25f, 0), qp(0.125f, -3), ActivationBounds::none(), true);
  CHECK(p.multipliers == std::vector<QuantizedMultiplier>{{1 << 30, 1}});
  std::vector<int8_t> y(4);
  // x - z_in = [[0,1,2],[3,4,5],[6,7,8]]; w = [[2,0],[1,-1]]; windows: -1, 1, 5, 7; + 10 - 3.
  conv_int8(p, std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}, std::vector<int8_t>{2, 0, 1, -1},
            std::vector<int32_t>{10}, y);
  CHECK(y == std::vector<int8_t>{6, 8, 12, 14});
  // Pads of 1 all round: border windows see only their in-bounds taps (no zero-point reads), and
  // relu6 at s_out 0.125 clamps to [z_out, z_out + 48].
  const ConvShape padded{{1, 1, 3, 3}, {1, 1, 2, 2}, 1, {2, 2}, {1, 1}, {1, 1, 1, 1}};
  const ConvParams q =
      prepare_conv(padded, qp(0.5f, 1), qp(0.25f, 0), qp(0.125f, -3), ActivationBounds::relu6(), false);
  REQUIRE(q.output_shape() == ir::Shape{1, 1, 2, 2});
  std::vector<int8_t> z(4);
  conv_int8(q, std::vector<int8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}, std::vector<int8_t>{2, 0, 1, -1}, {}, z);
  // Taps land at (2 oy - 1 + ky, 2 ox - 1 + kx): (0,0) sees only w11 x00 = 0; (0,1) w10 x01 + w11 x02 =
  // -1; (1,0) w01 x10 + w11 x20 = -6; (1,1) all four taps, 8 + 0 + 7 - 8 = 7. Plus z_out -3, clamped
  // at -3 from below.
  CHECK(z == std::vector<int8_t>{-3, -3, -3, 4});
}

TEST_CASE("Conv int8 grouped and depthwise agree with float convolution within 1 LSB", "[quant][conv]") {
  std::mt19937 rng(42);
  struct Case {
    ConvShape shape;
    ActivationBounds act;
  };
  const Case cases[] = {
      {{{2, 4, 7, 6}, {6, 2, 3, 3}, 2, {1, 2}, {1, 1}, {1, 0, 1, 2}}, ActivationBounds::none()},
      {{{1, 3, 9, 9}, {5, 3, 3, 2}, 1, {2, 2}, {2, 1}, {2, 1, 0, 1}}, ActivationBounds::relu()},
      {{{1, 4, 6, 6}, {8, 1, 3, 3}, 4, {1, 1}, {1, 1}, {1, 1, 1, 1}}, ActivationBounds::relu6()},  // depthwise, M = 2
  };
  for (const Case& c : cases) {
    const int64_t out_channels = c.shape.weights[0];
    const std::vector<float> x = random_floats(rng, static_cast<size_t>(ir::num_elements(c.shape.input)), -3, 2);
    const std::vector<float> w = random_floats(rng, static_cast<size_t>(ir::num_elements(c.shape.weights)), -1, 1);
    const std::vector<float> b = random_floats(rng, static_cast<size_t>(out_channels), -2, 2);
    const AffineParams in = choose_asymmetric_params(-3, 2), out = choose_asymmetric_params(-6, 9);
    const SymmetricWeights qw = quantize_weights_per_channel(w, out_channels);
    const std::vector<int32_t> qb = quantize_bias(b, in.scale, qw.scales);
    const ConvParams p = prepare_conv(c.shape, qp(in.scale, in.zero_point), per_channel(qw.scales),
                                      qp(out.scale, out.zero_point), c.act, true);
    const std::vector<int8_t> qx = quantize(x, in.scale, in.zero_point);
    std::vector<int8_t> y(static_cast<size_t>(p.output_count()));
    conv_int8(p, qx, qw.values, qb, y);
    // The reference sees exactly the quantized values the kernel sees.
    std::vector<float> wd, bd;
    for (size_t i = 0; i < w.size(); ++i)
      wd.push_back(static_cast<float>(qw.values[i]) * qw.scales[i / (w.size() / static_cast<size_t>(out_channels))]);
    for (size_t i = 0; i < b.size(); ++i)
      bd.push_back(static_cast<float>(static_cast<double>(qb[i]) * in.scale * qw.scales[i]));
    CHECK(max_abs_diff(y, reference_conv(p, dequantize(qx, in.scale, in.zero_point), wd, bd, out.scale, out.zero_point,
                                         p.activation)) <= 1);
  }
}

TEST_CASE("Conv int8 rejects invalid geometry and parameters", "[quant][conv]") {
  const ConvShape ok{{1, 2, 4, 4}, {3, 2, 3, 3}};
  CHECK_NOTHROW(prepare_conv(ok, qp(0.1f, 0), qp(0.1f, 0), qp(0.1f, 0), {}, false));
  CHECK_THROWS_AS(prepare_conv(ok, qp(0.0f, 0), qp(0.1f, 0), qp(0.1f, 0), {}, false), InputError);
  // Asymmetric weights, then per-channel scales that do not match the 3 output channels.
  CHECK_THROWS_AS(prepare_conv(ok, qp(0.1f, 0), qp(0.1f, 3), qp(0.1f, 0), {}, false), InputError);
  CHECK_THROWS_AS(prepare_conv(ok, qp(0.1f, 0), per_channel({0.1f, 0.2f}), qp(0.1f, 0), {}, false), InputError);
  CHECK_THROWS_AS(prepare_conv({{1, 2, 4, 4}, {3, 2, 5, 5}}, qp(0.1f, 0), qp(0.1f, 0), qp(0.1f, 0), {}, false),
                  InputError);
  CHECK_THROWS_AS(prepare_conv({{1, 3, 4, 4}, {3, 2, 3, 3}}, qp(0.1f, 0), qp(0.1f, 0), qp(0.1f, 0), {}, false),
                  InputError);
  CHECK_THROWS_AS(
      prepare_conv({{1, 2, 4, 4}, {3, 2, 3, 3}, 1, {0, 1}}, qp(0.1f, 0), qp(0.1f, 0), qp(0.1f, 0), {}, false),
      InputError);
  CHECK_THROWS_AS(
      prepare_depthwise_conv({{1, 2, 4, 4}, {3, 1, 3, 3}}, qp(0.1f, 0), qp(0.1f, 0), qp(0.1f, 0), {}, false),
      InputError);
  CHECK(depth_multiplier({{1, 2, 4, 4}, {6, 1, 3, 3}}) == 3);
  // Buffers that do not match prepare are a caller bug.
  const ConvParams p = prepare_conv(ok, qp(0.1f, 0), qp(0.1f, 0), qp(0.1f, 0), {}, false);
  std::vector<int8_t> x(32), w(54), y(12);
  CHECK_THROWS_AS(conv_int8(p, x, w, std::vector<int32_t>{1, 2, 3}, y), InternalError);
  CHECK_THROWS_AS(conv_int8(p, std::vector<int8_t>(31), w, {}, y), InternalError);
}
