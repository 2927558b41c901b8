// The float kernels compiled per instruction set (the Conv product, conv_gemm.h; the depthwise
// loops, depthwise_conv.h; the fused activation's clamp) on every instruction set the CPU runs: the same bits as the plain sum
// bias + w[0] * x[0] + w[1] * x[1] + ... in T (or, accumulating, the sum given in out in place of
// the bias), on seeded random shapes that take both lane layouts of the product, partial last
// blocks, spaced weight rows, strides, dilations and padding. The build's
// -ffp-contract=off keeps the plain sum unfused, as the kernels.
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "exec/kernels/conv_gemm.h"
#include "exec/kernels/depthwise_conv.h"
#include "exec/kernels/fused_activation.h"

using namespace tinyc;
using namespace tinyc::exec::kernels;

namespace {

template <class T>
std::vector<T> draw_values(std::mt19937_64& engine, int64_t n) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<T> v(static_cast<size_t>(n));
  for (T& x : v) x = static_cast<T>(normal(engine));
  return v;
}

template <class T>
void check_every_isa(uint64_t seed) {
  std::mt19937_64 engine(seed);
  const auto between = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(engine); };
  for (int c = 0; c < 60; ++c) {
    // Few positions and many channels favour lanes along the channels; the rest along positions.
    const bool narrow = c % 3 == 0;
    const int64_t rows = between(1, narrow ? 70 : 20), depth = between(1, 80);
    const int64_t columns = narrow ? between(1, 9) : between(1, 150);
    const bool has_bias = c % 2 == 0;
    const bool accumulate = c % 4 == 1;                   // out += the product, from sums given in out
    const int64_t stride = depth + (c % 5 == 2 ? 3 : 0);  // weight rows spaced apart
    const auto w = draw_values<T>(engine, rows * stride), x = draw_values<T>(engine, depth * columns),
               bias = draw_values<T>(engine, rows), start = draw_values<T>(engine, rows * columns);
    std::vector<T> expected(static_cast<size_t>(rows * columns));
    for (int64_t m = 0; m < rows; ++m)
      for (int64_t j = 0; j < columns; ++j) {
        T sum = accumulate ? start[m * columns + j] : has_bias ? bias[m] : T(0);
        for (int64_t k = 0; k < depth; ++k) sum = sum + w[m * stride + k] * x[k * columns + j];
        expected[m * columns + j] = sum;
      }
    for (exec::Isa isa : exec::runnable_isas()) {
      ConvGemm<T> g(rows, depth, columns, conv_block<T>(isa));
      g.accumulate = accumulate;
      std::vector<T> packed(static_cast<size_t>(g.packed_weights_size())), tail(static_cast<size_t>(g.tail_size()));
      std::vector<T> out = accumulate ? start : std::vector<T>(expected.size());
      pack_conv_weights(g, w.data(), packed.data(), stride);
      conv_gemm(g, packed.data(), StridedColumns<T>{x.data(), columns}, has_bias ? bias.data() : nullptr, out.data(),
                tail.data());
      INFO("case " << c << " on " << exec::isa_name(isa) << ": " << rows << " x " << depth << " x " << columns
                   << (g.channel_lanes ? ", lanes along channels" : ", lanes along positions")
                   << (accumulate ? ", accumulating" : ""));
      CHECK(std::memcmp(out.data(), expected.data(), out.size() * sizeof(T)) == 0);
    }
  }
}

}  // namespace

TEST_CASE("float Conv product: the same bits as the plain ordered sum on every instruction set, float",
          "[exec][kernels][conv]") {
  check_every_isa<float>(11);
}

TEST_CASE("float Conv product: the same bits as the plain ordered sum on every instruction set, double",
          "[exec][kernels][conv]") {
  check_every_isa<double>(12);
}

namespace {

// One depthwise case: x [1, channels, h, w], weights [channels * multiplier, 1, kh, kw].
struct Depthwise {
  int64_t channels, multiplier, h, w, kh, kw, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left,
      pad_bottom, pad_right;
  int64_t out_h() const { return (h + pad_top + pad_bottom - ((kh - 1) * dilation_h + 1)) / stride_h + 1; }
  int64_t out_w() const { return (w + pad_left + pad_right - ((kw - 1) * dilation_w + 1)) / stride_w + 1; }
};

exec::kernels::ColumnGeometry geometry_of(const Depthwise& d) {
  exec::kernels::ColumnGeometry g;
  g.rank = 2;
  g.columns = {d.out_h(), d.out_w()};
  g.targets = {d.h, d.w};
  g.kernel = {d.kh, d.kw};
  g.strides = {d.stride_h, d.stride_w};
  g.dilations = {d.dilation_h, d.dilation_w};
  g.pads = {d.pad_top, d.pad_left};
  g.column_count = d.out_h() * d.out_w();
  g.target_count = d.h * d.w;
  g.kernel_count = d.kh * d.kw;
  return g;
}

// The plain sum over every tap in C order, a padding tap adding w * 0 as the kernel does.
template <class T>
std::vector<T> plain_depthwise(const Depthwise& d, const std::vector<T>& x, const std::vector<T>& w,
                               const std::vector<T>& bias) {
  std::vector<T> y;
  for (int64_t oc = 0; oc < d.channels * d.multiplier; ++oc)
    for (int64_t oy = 0; oy < d.out_h(); ++oy)
      for (int64_t ox = 0; ox < d.out_w(); ++ox) {
        T sum = bias[oc];
        for (int64_t ky = 0; ky < d.kh; ++ky)
          for (int64_t kx = 0; kx < d.kw; ++kx) {
            const int64_t iy = oy * d.stride_h - d.pad_top + ky * d.dilation_h;
            const int64_t ix = ox * d.stride_w - d.pad_left + kx * d.dilation_w;
            const bool inside = iy >= 0 && iy < d.h && ix >= 0 && ix < d.w;
            const T value = inside ? x[(oc / d.multiplier * d.h + iy) * d.w + ix] : T(0);
            sum = sum + w[(oc * d.kh + ky) * d.kw + kx] * value;
          }
        y.push_back(sum);
      }
  return y;
}

template <class T>
void check_depthwise_every_isa(uint64_t seed) {
  std::mt19937_64 engine(seed);
  const auto between = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(engine); };
  int cases = 0;
  while (cases < 40) {
    const Depthwise d{between(1, 4), between(1, 2), between(1, 20), between(1, 40), between(1, 3), between(1, 3),
                      between(1, 2), between(1, 2), between(1, 2), between(1, 2), between(0, 2), between(0, 2),
                      between(0, 2), between(0, 2)};
    if (d.out_h() < 1 || d.out_w() < 1) continue;
    ++cases;
    const auto x = draw_values<T>(engine, d.channels * d.h * d.w);
    const auto w = draw_values<T>(engine, d.channels * d.multiplier * d.kh * d.kw);
    const auto bias = draw_values<T>(engine, d.channels * d.multiplier);
    const std::vector<T> expected = plain_depthwise(d, x, w, bias);
    std::optional<exec::kernels::DepthwisePlan> plan =
        exec::kernels::plan_depthwise(geometry_of(d), 1, d.channels, d.channels, 1, d.multiplier);
    REQUIRE(plan);
    for (exec::Isa isa : exec::runnable_isas()) {
      plan->isa = isa;
      std::vector<T> y(expected.size()), scratch(static_cast<size_t>(plan->scratch_size()));
      exec::kernels::depthwise_conv<T>(*plan, x.data(), w.data(), bias.data(), y.data(), scratch.data());
      INFO("case " << cases << " on " << exec::isa_name(isa) << ": " << d.channels << " x " << d.h << " x " << d.w
                   << ", kernel " << d.kh << " x " << d.kw);
      CHECK(std::memcmp(y.data(), expected.data(), y.size() * sizeof(T)) == 0);
    }
  }
}

}  // namespace

TEST_CASE("float depthwise Conv: the same bits as the plain ordered sum on every instruction set",
          "[exec][kernels][conv]") {
  check_depthwise_every_isa<float>(21);
  check_depthwise_every_isa<double>(22);
}

TEST_CASE("fused activation clamp: std::min(std::max(v, lo), hi) bit for bit on every instruction set",
          "[exec][kernels]") {
  std::mt19937_64 engine(31);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  std::vector<float> values = draw_values<float>(engine, 203);
  const float specials[] = {nan, -inf, inf, 0.0f, -0.0f, 6.0f, -1.0f};
  for (size_t i = 0; i < values.size(); i += 9) values[i] = specials[i / 9 % 7];
  for (const auto& [lo, hi] : {std::pair{0.0f, inf}, std::pair{0.0f, 6.0f}, std::pair{-1.0f, 1.0f}}) {
    std::vector<float> expected = values;
    for (float& v : expected) v = std::min(std::max(v, lo), hi);
    for (exec::Isa isa : exec::runnable_isas()) {
      std::vector<float> got = values;
      exec::kernels::clamp_values<float>(isa, got, lo, hi);
      INFO(exec::isa_name(isa) << ": [" << lo << ", " << hi << "]");
      CHECK(std::memcmp(got.data(), expected.data(), got.size() * sizeof(float)) == 0);
    }
  }
}
