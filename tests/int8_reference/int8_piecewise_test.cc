// int8 LeakyRelu, PRelu and HardSwish, the piecewise activations: every int8 input against the
// float formula (within one or two output steps), the identity side exact when input and output
// share parameters, a broadcast slope, and the refused parameters. TFLite Micro itself judges the
// kernels in tests/tflite/tflm_ops_test.cc.
#include "exec/int8_reference/int8_hard_swish.h"
#include "exec/int8_reference/int8_leaky_relu.h"
#include "exec/int8_reference/int8_prelu.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "ir/error.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using namespace tinyc::quant_test;

namespace {

std::vector<int8_t> run(const ir::QuantParams& in, const ir::QuantParams& out, float alpha, const std::vector<int8_t>& x) {
  const LeakyReluParams p = prepare_leaky_relu(in, out, alpha, static_cast<int64_t>(x.size()));
  std::vector<int8_t> y(x.size());
  leaky_relu_int8(p, x, y);
  return y;
}


}  // namespace

TEST_CASE("LeakyRelu int8 agrees with float math within one output step on every input", "[quant][activation]") {
  const ir::QuantParams in = qp(0.05f, 10), out = qp(0.03f, -40);
  for (float alpha : {0.0f, 0.01f, 0.2f, 0.5f, 1.0f}) {
    INFO("alpha " << alpha);
    const std::vector<int8_t> x = all_int8();
    const std::vector<int8_t> y = run(in, out, alpha, x);
    for (size_t i = 0; i < x.size(); ++i) {
      const double real = 0.05 * (x[i] - 10);
      const double want = std::clamp(std::round((real >= 0 ? real : alpha * real) / 0.03) - 40, -128.0, 127.0);
      CHECK(std::abs(y[i] - want) <= 1);
    }
  }
}

TEST_CASE("LeakyRelu int8 with shared parameters keeps non-negative inputs exactly", "[quant][activation]") {
  const ir::QuantParams q = qp(0.1f, -20);
  const std::vector<int8_t> x = all_int8();
  const std::vector<int8_t> y = run(q, q, 0.25f, x);
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] >= -20) CHECK(y[i] == x[i]);
    // below the zero point: a quarter of the distance, rounded half away from zero
    else CHECK(y[i] == static_cast<int8_t>(-20 - std::lround((-20 - x[i]) / 4.0)));
  }
}

TEST_CASE("LeakyRelu int8 refuses a negative alpha and a scale ratio beyond the multiplier's range", "[quant][activation]") {
  CHECK_THROWS_AS(prepare_leaky_relu(qp(0.1f, 0), qp(0.1f, 0), -0.1f, 4), InputError);
  CHECK_THROWS_AS(prepare_leaky_relu(qp(1e6f, 0), qp(1e-6f, 0), 0.1f, 4), InputError);
}

TEST_CASE("PRelu int8 with a slope per channel agrees with float math within one output step", "[quant][activation]") {
  const ir::QuantParams in = qp(0.05f, 10), slope_q = qp(0.01f, -20), out = qp(0.04f, -30);
  const std::vector<int8_t> slope{-20, 30, -128};  // slopes 0, 0.5 and -1.08
  std::vector<int8_t> x;
  for (int c = 0; c < 3; ++c)
    for (int q = -128; q <= 127; ++q) x.push_back(static_cast<int8_t>(q));
  const PreluParams p = prepare_prelu({1, 3, 1, 256}, in, {3, 1, 1}, slope_q, out);
  REQUIRE(p.broadcast.count == 768);
  std::vector<int8_t> y(x.size());
  prelu_int8(p, x, slope, y);
  for (size_t i = 0; i < x.size(); ++i) {
    const double real = 0.05 * (x[i] - 10);
    const double a = 0.01 * (slope[i / 256] + 20);
    const double want = std::clamp(std::round((real >= 0 ? real : a * real) / 0.04) - 30, -128.0, 127.0);
    CHECK(std::abs(y[i] - want) <= 1);
  }
}

TEST_CASE("HardSwish int8 agrees with float math within two output steps on every input", "[quant][activation]") {
  for (const auto& [in, out] : {std::pair{qp(0.05f, 10), qp(0.03f, -40)}, std::pair{qp(0.02f, -5), qp(0.015f, -100)}}) {
    const std::vector<int8_t> x = all_int8();
    const HardSwishParams p = prepare_hard_swish(in, out, static_cast<int64_t>(x.size()));
    std::vector<int8_t> y(x.size());
    hard_swish_int8(p, x, y);
    const double s_in = in.scale[0], s_out = out.scale[0];
    for (size_t i = 0; i < x.size(); ++i) {
      const double real = s_in * (x[i] - in.zero_point[0]);
      const double want = std::clamp(std::round(real * std::clamp(real + 3, 0.0, 6.0) / 6 / s_out) + out.zero_point[0],
                                     -128.0, 127.0);
      INFO("input " << int(x[i]));
      CHECK(std::abs(y[i] - want) <= 2);
    }
  }
}

TEST_CASE("HardSwish int8 refuses an output scale below the input scale / 128", "[quant][activation]") {
  CHECK_THROWS_AS(prepare_hard_swish(qp(0.1f, 0), qp(0.0005f, 0), 4), InputError);
}
