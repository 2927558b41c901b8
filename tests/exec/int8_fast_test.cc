// The fast int8 kernels against the reference kernels, their oracle: byte-equal outputs on seeded
// random geometry (paddings, strides, dilations, batches), zero points across the int8 range,
// per-channel and per-tensor scales, biases, fused activations, and scales that saturate.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <functional>
#include <random>
#include <utility>
#include <variant>

#include "exec/int8_fast/add.h"
#include "exec/int8_fast/average_pool.h"
#include "exec/int8_fast/conv.h"
#include "exec/isa.h"
#include "exec/int8_fast/max_pool.h"
#include "exec/int8_fast/mean.h"
#include "exec/int8_fast/mul.h"
#include "exec/int8_fast/quantize.h"
#include "exec/int8_fast/depthwise_conv.h"
#include "exec/int8_reference/int8_depthwise_conv.h"
#include "exec/int8_fast/fully_connected.h"

using namespace tinyc;
using namespace tinyc::exec;

namespace {

class Draw {
 public:
  explicit Draw(uint64_t seed) : engine_(seed) {}
  int64_t between(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(engine_); }
  float scale() { return std::ldexp(1.0f + static_cast<float>(between(0, 999)) / 1000.0f, static_cast<int>(between(-12, -2))); }
  std::vector<int8_t> int8s(int64_t n) {
    std::vector<int8_t> v(static_cast<size_t>(n));
    for (int8_t& x : v) x = static_cast<int8_t>(between(-128, 127));
    return v;
  }
  // Moderate biases, or 1 time in 4 any int32, so the accumulator wraps.
  std::vector<int32_t> biases(int64_t n) {
    const int64_t bound = between(0, 3) == 0 ? int64_t{1} << 31 : 200000;
    std::vector<int32_t> v(static_cast<size_t>(n));
    for (int32_t& b : v) b = static_cast<int32_t>(between(-bound, bound - 1));
    return v;
  }
  int8_reference::ActivationBounds activation() {
    return between(0, 1) ? int8_reference::ActivationBounds::relu() : int8_reference::ActivationBounds::none();
  }

 private:
  std::mt19937_64 engine_;
};

ir::QuantParams tensor_params(float scale, int64_t zero_point) { return {{scale}, {zero_point}, 0}; }

ir::QuantParams channel_params(Draw& draw, int64_t channels) {
  ir::QuantParams q;
  for (int64_t c = 0; c < channels; ++c) {
    q.scale.push_back(draw.scale());
    q.zero_point.push_back(0);
  }
  return q;
}

}  // namespace

TEST_CASE("fast int8 Conv equals the reference Conv byte for byte on random geometry and parameters") {
  Draw draw(20261206);
  int cases = 0;
  while (cases < 80) {
    int8_reference::ConvShape shape;
    const int64_t batch = draw.between(1, 2), channels = draw.between(1, draw.between(0, 3) == 0 ? 40 : 6);
    const int64_t out_channels = draw.between(1, draw.between(0, 3) == 0 ? 19 : 6);
    // One case in four a pointwise conv (1 x 1, stride 1, no padding), which reads its input directly.
    const bool pointwise = cases % 4 == 0;
    const int64_t h = draw.between(1, 20), w = draw.between(1, 20);
    const int64_t kh = pointwise ? 1 : draw.between(1, 4), kw = pointwise ? 1 : draw.between(1, 4);
    shape.input = {batch, channels, h, w};
    shape.weights = {out_channels, channels, kh, kw};
    shape.strides = {pointwise ? 1 : draw.between(1, 2), pointwise ? 1 : draw.between(1, 3)};
    shape.dilations = {draw.between(1, 2), draw.between(1, 2)};
    shape.pads = {draw.between(0, 2), draw.between(0, 2), draw.between(0, 2), draw.between(0, 2)};
    if (pointwise) shape.pads = {0, 0, 0, 0};
    if (shape.dilations[0] * (kh - 1) + 1 > h + shape.pads[0] + shape.pads[2] ||
        shape.dilations[1] * (kw - 1) + 1 > w + shape.pads[1] + shape.pads[3])
      continue;  // no window fits
    ++cases;
    const bool has_bias = draw.between(0, 1) != 0;
    // A tiny output scale makes most outputs saturate; a large one keeps them inside.
    const float out_scale = draw.between(0, 3) == 0 ? draw.scale() * 1e-3f : draw.scale() * 64.0f;
    const auto p = int8_reference::prepare_conv(shape, tensor_params(draw.scale(), draw.between(-128, 127)),
                                                channel_params(draw, out_channels),
                                                tensor_params(out_scale, draw.between(-128, 127)), draw.activation(),
                                                has_bias);
    REQUIRE(int8_fast::fast_conv_applies(p));
    const auto x = draw.int8s(p.input_count());
    const auto weights = draw.int8s(p.weights_count());
    const auto bias = has_bias ? draw.biases(p.out_channels()) : std::vector<int32_t>{};
    std::vector<int8_t> expected(static_cast<size_t>(p.output_count())), actual(expected.size());
    int8_reference::conv_int8(p, x, weights, bias, expected);
    for (exec::Isa isa : exec::runnable_isas()) {
      const int8_fast::PackedConvWeights packed = int8_fast::pack_conv_weights(isa, p, weights);
      std::vector<std::byte> scratch(int8_fast::fast_conv_scratch_bytes(p, packed));
      int8_fast::fast_conv_int8(p, packed, x, bias, actual, scratch);
      INFO("case " << cases << " on " << exec::isa_name(isa) << ": input " << ir::shape_to_string(shape.input)
                   << ", weights " << ir::shape_to_string(shape.weights));
      CHECK(actual == expected);
    }
  }
}

TEST_CASE("fast int8 DepthwiseConv equals the reference byte for byte on random geometry and parameters") {
  Draw draw(99);
  int cases = 0;
  while (cases < 80) {
    // One case in three with several blocks of channels and a partial last block.
    const int64_t batch = draw.between(1, 2), channels = draw.between(1, cases % 3 == 0 ? 40 : 5);
    const int64_t multiplier = draw.between(1, 2);
    const int64_t h = draw.between(1, 24), w = draw.between(1, 24), kh = draw.between(1, 4), kw = draw.between(1, 4);
    int8_reference::DepthwiseShape shape{{batch, channels, h, w},
                                         {channels * multiplier, 1, kh, kw},
                                         {draw.between(1, 2), draw.between(1, 3)},
                                         {draw.between(1, 2), draw.between(1, 2)},
                                         {draw.between(0, 2), draw.between(0, 2), draw.between(0, 2), draw.between(0, 2)}};
    if (shape.dilations[0] * (kh - 1) + 1 > h + shape.pads[0] + shape.pads[2] ||
        shape.dilations[1] * (kw - 1) + 1 > w + shape.pads[1] + shape.pads[3])
      continue;
    ++cases;
    const bool has_bias = draw.between(0, 1) != 0;
    const float out_scale = draw.between(0, 3) == 0 ? draw.scale() * 1e-3f : draw.scale() * 16.0f;
    const auto p = int8_reference::prepare_depthwise_conv(
        shape, tensor_params(draw.scale(), draw.between(-128, 127)), channel_params(draw, channels * multiplier),
        tensor_params(out_scale, draw.between(-128, 127)), draw.activation(), has_bias);
    REQUIRE(int8_fast::fast_depthwise_conv_applies(p));
    const auto x = draw.int8s(p.input_count());
    const auto weights = draw.int8s(p.weights_count());
    const auto bias = has_bias ? draw.biases(p.out_channels()) : std::vector<int32_t>{};
    std::vector<int8_t> expected(static_cast<size_t>(p.output_count())), actual(expected.size());
    int8_reference::depthwise_conv_int8(p, x, weights, bias, expected);
    // Both kernels on every case, whichever prepare_fast_depthwise would choose, and its choices with
    // constant and with run-time weights.
    const int8_fast::PackedDepthwise packed = int8_fast::pack_depthwise_weights(p, weights);
    const exec::kernels::PaddedPlane layout = int8_fast::padded_layout(p);
    const int8_fast::FastDepthwise chosen = int8_fast::prepare_fast_depthwise(p, weights);
    const int8_fast::FastDepthwise run_time_weights = int8_fast::prepare_fast_depthwise(p, std::nullopt);
    REQUIRE(std::holds_alternative<exec::kernels::PaddedPlane>(run_time_weights));
    std::vector<std::byte> scratch(std::max({int8_fast::channels_last_depthwise_scratch_bytes(p, packed),
                                             int8_fast::planes_depthwise_scratch_bytes(layout),
                                             int8_fast::fast_depthwise_conv_scratch_bytes(p, chosen),
                                             int8_fast::fast_depthwise_conv_scratch_bytes(p, run_time_weights)}));
    const std::pair<const char*, std::function<void(exec::Isa)>> kernels[] = {
        {"channels last",
         [&](exec::Isa isa) { int8_fast::channels_last_depthwise_int8(isa, p, packed, x, bias, actual, scratch); }},
        {"planes",
         [&](exec::Isa isa) { int8_fast::planes_depthwise_int8(isa, p, layout, x, weights, bias, actual, scratch); }},
        {"chosen", [&](exec::Isa isa) {
           int8_fast::fast_depthwise_conv_int8(isa, p, chosen, x, weights, bias, actual, scratch);
         }},
        {"chosen for run-time weights", [&](exec::Isa isa) {
           int8_fast::fast_depthwise_conv_int8(isa, p, run_time_weights, x, weights, bias, actual, scratch);
         }}};
    for (exec::Isa isa : exec::runnable_isas())
      for (const auto& [name, kernel] : kernels) {
        std::fill(actual.begin(), actual.end(), int8_t{0x55});  // no kernel passes on another's output
        kernel(isa);
        INFO("case " << cases << ", " << name << " on " << exec::isa_name(isa) << ": input "
                     << ir::shape_to_string(shape.input) << ", weights " << ir::shape_to_string(shape.weights));
        CHECK(actual == expected);
      }
  }
}

TEST_CASE("fast int8 DepthwiseConv runs channels last for a block of channels on small or strided planes") {
  int8_reference::ConvParams p;
  p.groups = p.group_out = 0;
  p.group_in = 1;
  p.kernel_h = p.kernel_w = 3;
  const auto with = [&](int64_t channels, int64_t side, int64_t stride) {
    p.groups = channels;
    p.group_out = 1;
    p.out_h = p.out_w = side;
    p.stride_h = p.stride_w = stride;
    return int8_fast::prefers_channels_last(p);
  };
  CHECK(with(16, 16, 1));
  CHECK(with(64, 7, 1));
  CHECK(with(32, 56, 2));
  CHECK_FALSE(with(64, 17, 1));   // a wide plane at stride 1
  CHECK_FALSE(with(15, 4, 2));    // fewer channels than a block
  CHECK_FALSE(with(1, 112, 1));
}

TEST_CASE("fast int8 Conv leaves grouped convolutions and negative multipliers to the reference") {
  int8_reference::ConvParams p;
  p.groups = 2;
  p.group_in = 1;
  p.kernel_h = p.kernel_w = 1;
  CHECK(!int8_fast::fast_conv_applies(p));
  p.groups = 1;
  p.multipliers = {{1 << 30, -3}};
  CHECK(int8_fast::fast_conv_applies(p));
  p.multipliers.push_back({-(1 << 30), -3});
  CHECK(!int8_fast::fast_conv_applies(p));
}

TEST_CASE("fast int8 Conv wraps a sum beyond int32 as TFLite's accumulator does") {
  // 8192 channels x 3 x 3 taps of (-128 - 127) * -128 = 32640 each: 2.4e9, past 2^31.
  int8_reference::ConvShape shape;
  shape.input = {1, 8192, 3, 3};
  shape.weights = {2, 8192, 3, 3};
  const auto p = int8_reference::prepare_conv(shape, tensor_params(0.01f, 127), {{0.01f}, {0}, 0},
                                              tensor_params(0.5f, 0), int8_reference::ActivationBounds::none(), false);
  const std::vector<int8_t> x(static_cast<size_t>(p.input_count()), int8_t{-128});
  std::vector<int8_t> weights(static_cast<size_t>(p.weights_count()), int8_t{-128});
  weights.back() = 5;  // the two channels' sums differ
  std::vector<int8_t> expected(2), actual(2);
  int8_reference::conv_int8(p, x, weights, {}, expected);
  for (exec::Isa isa : exec::runnable_isas()) {
    const int8_fast::PackedConvWeights packed = int8_fast::pack_conv_weights(isa, p, weights);
    std::vector<std::byte> scratch(int8_fast::fast_conv_scratch_bytes(p, packed));
    int8_fast::fast_conv_int8(p, packed, x, {}, actual, scratch);
    INFO(exec::isa_name(isa));
    CHECK(actual == expected);
  }
}

TEST_CASE("fast int8 FullyConnected equals the reference byte for byte, per tensor and per channel") {
  Draw draw(7);
  for (int c = 0; c < 60; ++c) {
    const int64_t batch = draw.between(1, 3), depth = draw.between(1, 300), units = draw.between(1, 20);
    const bool per_channel = c % 2 == 0, has_bias = draw.between(0, 1) != 0;
    const ir::QuantParams weights_q =
        per_channel ? channel_params(draw, units) : tensor_params(draw.scale(), draw.between(-128, 127));
    const float out_scale = draw.between(0, 3) == 0 ? draw.scale() * 1e-3f : draw.scale() * 64.0f;
    const auto p = int8_reference::prepare_fully_connected(
        {batch, depth}, {units, depth}, tensor_params(draw.scale(), draw.between(-128, 127)), weights_q,
        tensor_params(out_scale, draw.between(-128, 127)), draw.activation(), has_bias);
    REQUIRE(int8_fast::fast_fully_connected_applies(p));
    const auto x = draw.int8s(batch * depth);
    const auto weights = draw.int8s(units * depth);
    const auto bias = has_bias ? draw.biases(units) : std::vector<int32_t>{};
    std::vector<int8_t> expected(static_cast<size_t>(batch * units)), actual(expected.size());
    int8_reference::fully_connected_int8(p, x, weights, bias, expected);
    std::vector<std::byte> scratch(int8_fast::fast_fully_connected_scratch_bytes(p));
    for (exec::Isa isa : exec::runnable_isas()) {
      int8_fast::fast_fully_connected_int8(isa, p, int8_fast::pack_fully_connected_weights(p, weights), x, bias,
                                           actual, scratch);
      INFO("case " << c << " on " << exec::isa_name(isa) << ": " << batch << " x " << depth << " -> " << units
                   << (per_channel ? ", per channel" : ""));
      CHECK(actual == expected);
    }
  }
}

namespace {

// One random case of a binary op: operands of a_shape and b_shape with random scales s1, s2 and
// zero points, the output scale output_scale(s1, s2); the bytes of fast(isa, p, a, b, y) on every
// instruction set the CPU runs equal reference(p, a, b, y)'s.
template <class OutputScale, class Prepare, class Reference, class Fast>
void check_binary(Draw& draw, const ir::Shape& a_shape, const ir::Shape& b_shape, OutputScale output_scale,
                  Prepare prepare, Reference reference, Fast fast) {
  const float s1 = draw.scale(), s2 = draw.scale();
  const float out_scale = output_scale(s1, s2);
  const auto p = prepare(a_shape, tensor_params(s1, draw.between(-128, 127)), b_shape,
                         tensor_params(s2, draw.between(-128, 127)), tensor_params(out_scale, draw.between(-128, 127)),
                         draw.activation());
  const auto a = draw.int8s(p.broadcast.count_a), b = draw.int8s(p.broadcast.count_b);
  std::vector<int8_t> expected(static_cast<size_t>(p.broadcast.count)), actual(expected.size());
  reference(p, a, b, expected);
  for (exec::Isa isa : exec::runnable_isas()) {
    fast(isa, p, a, b, actual);
    INFO("on " << exec::isa_name(isa) << ": " << ir::shape_to_string(a_shape) << " x " << ir::shape_to_string(b_shape));
    CHECK(actual == expected);
  }
}

}  // namespace

TEST_CASE("fast int8 Add equals the reference byte for byte, equal shapes and broadcast") {
  Draw draw(31);
  for (int c = 0; c < 120; ++c) {
    INFO("case " << c);
    const int64_t n = draw.between(1, 70);
    const ir::Shape a_shape{1, n}, b_shape = c % 5 == 0 ? ir::Shape{1, 1} : a_shape;
    // Output scales from well above the inputs' (no saturation) to far below (most saturate).
    check_binary(
        draw, a_shape, b_shape,
        [&](float s1, float s2) { return std::max(s1, s2) * (draw.between(0, 3) == 0 ? 0.01f : 2.0f); },
        int8_reference::prepare_add, int8_reference::add_int8, int8_fast::fast_add_int8);
  }
}

TEST_CASE("fast int8 Mul equals the reference byte for byte, equal shapes, one-element operands and broadcast") {
  Draw draw(47);
  for (int c = 0; c < 120; ++c) {
    INFO("case " << c);
    const int64_t n = draw.between(1, 70);
    // Equal shapes; a one-element second or first operand; a row broadcast the reference walks.
    const ir::Shape shape{1, n}, one{1, 1};
    const ir::Shape a_shape = c % 5 == 2 ? one : c % 5 == 3 ? ir::Shape{2, n} : shape;
    const ir::Shape b_shape = c % 5 == 1 ? one : shape;
    // Output scales from well above the product's (no saturation) to far below (most saturate).
    check_binary(
        draw, a_shape, b_shape, [&](float s1, float s2) { return s1 * s2 * (draw.between(0, 3) == 0 ? 0.5f : 300.0f); },
        int8_reference::prepare_mul, int8_reference::mul_int8, int8_fast::fast_mul_int8);
  }
}

TEST_CASE("fast int8 Mean equals the reference byte for byte over trailing axes") {
  Draw draw(53);
  for (int c = 0; c < 60; ++c) {
    const ir::Shape shape{draw.between(1, 3), draw.between(1, 40), draw.between(1, 9), draw.between(1, 9)};
    // GlobalAveragePool's spatial axes, or the last one alone.
    const std::vector<int64_t> axes = c % 2 == 0 ? std::vector<int64_t>{2, 3} : std::vector<int64_t>{-1};
    const float in_scale = draw.scale();
    const auto p = int8_reference::prepare_mean(shape, axes, tensor_params(in_scale, draw.between(-128, 127)),
                                                tensor_params(in_scale * (draw.between(0, 3) == 0 ? 0.05f : 1.5f),
                                                              draw.between(-128, 127)));
    REQUIRE(int8_fast::fast_mean_applies(p));
    const auto x = draw.int8s(p.input_count);
    std::vector<int8_t> expected(static_cast<size_t>(p.kept.count)), actual(expected.size());
    int8_reference::mean_int8(p, x, expected);
    int8_fast::fast_mean_int8(p, x, actual);
    INFO("case " << c << ": " << ir::shape_to_string(shape));
    CHECK(actual == expected);
  }
}

TEST_CASE("fast int8 Mean leaves a reduction over leading axes to the reference") {
  const ir::QuantParams q = tensor_params(0.1f, 0);
  CHECK_FALSE(int8_fast::fast_mean_applies(int8_reference::prepare_mean({2, 3, 4}, std::vector<int64_t>{1}, q, q)));
  CHECK(int8_fast::fast_mean_applies(int8_reference::prepare_mean({2, 3, 4}, std::vector<int64_t>{1, 2}, q, q)));
}

TEST_CASE("fast int8 Quantize equals the reference byte for byte, ties, non-finite values and range ends included") {
  Draw draw(61);
  const float tie_below = std::nextafter(0.5f, 0.0f);
  std::vector<float> x = {0.0f, -0.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, tie_below, -tie_below,
                          std::nextafter(1.5f, 2.0f), 127.5f, -128.5f, 1e30f, -1e30f, 8388607.5f, 16777216.0f,
                          std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                          std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::denorm_min()};
  for (int i = 0; i < 500; ++i) x.push_back(static_cast<float>(draw.between(-40000, 40000)) / 64.0f);
  for (float scale : {1.0f, 0.5f, 0.1f, 3.0f, draw.scale()}) {
    for (int32_t zero_point : {0, -128, 127, 5}) {
      int8_reference::AffineKernelParams p{{scale, zero_point}, static_cast<int64_t>(x.size())};
      std::vector<int8_t> expected(x.size()), actual(x.size());
      int8_reference::quantize_int8(p, x, expected);
      for (exec::Isa isa : exec::runnable_isas()) {
        int8_fast::fast_quantize_int8(isa, p, x, actual);
        INFO("scale " << scale << ", zero point " << zero_point << " on " << exec::isa_name(isa));
        CHECK(actual == expected);
      }
    }
  }
}

namespace {

// A random pool geometry (half the cases the common 2 x 2 window at stride 2), or none when a
// window would hold only padding or no window fits.
std::optional<int8_reference::PoolShape> draw_pool_shape(Draw& draw) {
  int8_reference::PoolShape shape;
  const int64_t h = draw.between(1, 12), w = draw.between(1, 12);
  shape.input = {draw.between(1, 2), draw.between(1, 3), h, w};
  const bool two = draw.between(0, 1) != 0;
  shape.kernel = {two ? 2 : draw.between(1, 4), two ? 2 : draw.between(1, 4)};
  shape.strides = {two ? 2 : draw.between(1, 3), two ? 2 : draw.between(1, 3)};
  shape.pads = {draw.between(0, 2), draw.between(0, 2), draw.between(0, 2), draw.between(0, 2)};
  if (shape.pads[0] >= shape.kernel[0] || shape.pads[1] >= shape.kernel[1] || shape.pads[2] >= shape.kernel[0] ||
      shape.pads[3] >= shape.kernel[1] || shape.kernel[0] > h + shape.pads[0] + shape.pads[2] ||
      shape.kernel[1] > w + shape.pads[1] + shape.pads[3])
    return std::nullopt;
  return shape;
}

// 100 random pools prepared by `prepare`: the bytes of `fast(p, x, output, scratch, isa)` on every
// instruction set the CPU runs equal `reference(p, x, output)`'s.
template <class Prepare, class Reference, class Fast>
void check_pools(uint64_t seed, Prepare prepare, Reference reference, Fast fast) {
  Draw draw(seed);
  int cases = 0;
  while (cases < 100) {
    const std::optional<int8_reference::PoolShape> shape = draw_pool_shape(draw);
    if (!shape) continue;
    ++cases;
    const ir::QuantParams q = tensor_params(draw.scale(), draw.between(-128, 127));
    const int8_reference::PoolParams p = prepare(*shape, q, q, draw.activation());
    const auto x = draw.int8s(p.input_count());
    std::vector<int8_t> expected(static_cast<size_t>(p.output_count())), actual(expected.size());
    reference(p, x, expected);
    for (exec::Isa isa : exec::runnable_isas()) {
      fast(p, x, actual, isa);
      INFO("case " << cases << " on " << exec::isa_name(isa) << ": input " << ir::shape_to_string(shape->input)
                   << ", kernel " << shape->kernel[0] << "x" << shape->kernel[1]);
      CHECK(actual == expected);
    }
  }
}

}  // namespace

TEST_CASE("fast int8 MaxPool equals the reference byte for byte on random windows, strides and paddings") {
  check_pools(2026, int8_reference::prepare_max_pool, int8_reference::max_pool_int8,
              [](const int8_reference::PoolParams& p, const std::vector<int8_t>& x, std::vector<int8_t>& y, Isa isa) {
                std::vector<std::byte> scratch(int8_fast::fast_max_pool_scratch_bytes(p));
                int8_fast::fast_max_pool_int8(isa, p, x, y, scratch);
              });
}

TEST_CASE("fast int8 AveragePool equals the reference byte for byte on random windows, strides and paddings") {
  check_pools(2027, int8_reference::prepare_average_pool, int8_reference::average_pool_int8,
              [](const int8_reference::PoolParams& p, const std::vector<int8_t>& x, std::vector<int8_t>& y, Isa) {
                std::vector<std::byte> scratch(int8_fast::fast_average_pool_scratch_bytes(p));
                int8_fast::fast_average_pool_int8(p, x, y, scratch);
              });
}

TEST_CASE("fast int8 kernels refuse less scratch than prepare asked for, naming the kernel and both sizes") {
  int8_reference::PoolShape shape;
  shape.input = {1, 1, 4, 4};
  shape.kernel = {2, 2};
  shape.strides = {2, 2};
  const ir::QuantParams q = tensor_params(0.1f, 0);
  const auto p = int8_reference::prepare_average_pool(shape, q, q, int8_reference::ActivationBounds::none());
  const std::vector<int8_t> x(static_cast<size_t>(p.input_count()));
  std::vector<int8_t> y(static_cast<size_t>(p.output_count()));
  std::vector<std::byte> scratch(int8_fast::fast_average_pool_scratch_bytes(p) - 1);
  CHECK_THROWS_WITH(int8_fast::fast_average_pool_int8(p, x, y, scratch),
                    "AveragePool int8: scratch of 15 bytes, prepare asked for 16");
}
