// int8 Logistic and Tanh: TFLite Micro's logistic_test / tanh_test goldens, an exhaustive float
// reference over all 256 inputs, hand-computed points, and the parameter errors.
#include "exec/int8_reference/int8_activation.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "ir/error.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using namespace tinyc::quant_test;

namespace {

const ir::QuantParams kLogisticOut = qp(1.0f / 256, -128);
const ir::QuantParams kTanhOut = qp(1.0f / 128, 0);

std::vector<int8_t> run_logistic(const std::vector<int8_t>& x, const ir::QuantParams& in) {
  const FixedActivationParams p = prepare_logistic(in, kLogisticOut, static_cast<int64_t>(x.size()));
  std::vector<int8_t> y(x.size());
  logistic_int8(p, x, y);
  return y;
}

std::vector<int8_t> run_tanh(const std::vector<int8_t>& x, const ir::QuantParams& in) {
  const FixedActivationParams p = prepare_tanh(in, kTanhOut, static_cast<int64_t>(x.size()));
  std::vector<int8_t> y(x.size());
  tanh_int8(p, x, y);
  return y;
}


}  // namespace

TEST_CASE("Logistic int8 matches TFLite Micro's logistic_test goldens", "[quant][activation]") {
  // LogisticTest.LogisticQuantizedInt8BasicShouldMatchGolden (input scale 0.1, zero point 0) and
  // ...WideRangeShouldMatchGolden (input scale 1). TFLM's test declares the output scale 1/255 but
  // its kernel always produces 1/256 steps (TFLite's fixed parameters), which is what we compare to;
  // TFLM's tolerance is 1.
  const std::vector<float> basic_in = {1, 2, 3, 4, 5, -1, -2, -3, -4, -5};
  const std::vector<float> basic_golden = {0.73105858, 0.88079708, 0.95257413, 0.98201379, 0.99330715,
                                           0.26894142, 0.11920292, 0.04742587, 0.01798621, 0.00669285};
  CHECK(max_abs_diff(run_logistic(quantize(basic_in, 0.1f, 0), qp(0.1f, 0)),
                     quantize(basic_golden, 1.0f / 256, -128)) <= 1);
  const std::vector<float> wide_in = {1, 2, 3, 4, 93, -1, -2, -3, -4, -93};
  const std::vector<float> wide_golden = {0.73105858, 0.88079708, 0.95257413, 0.98201379, 1.0,
                                          0.26894142, 0.11920292, 0.04742587, 0.01798621, 0.0};
  CHECK(max_abs_diff(run_logistic(quantize(wide_in, 1.0f, 0), qp(1.0f, 0)), quantize(wide_golden, 1.0f / 256, -128)) <=
        1);
}

TEST_CASE("Tanh int8 matches TFLite Micro's tanh_test golden", "[quant][activation]") {
  // SimpleTestTanhInt8: inputs -8 + 16 i / 88 (i = 0..88) at scale 16/256, zero point 0; golden
  // tanh(x) at TFLM's output scale (1.99999955/256, i.e. 1/128 here); TFLM's tolerance is 2.
  std::vector<float> in, golden;
  for (int i = 0; i <= 88; ++i) {
    in.push_back(-8.0f + 16.0f * static_cast<float>(i) / 88.0f);
    golden.push_back(static_cast<float>(std::tanh(in.back())));
  }
  CHECK(max_abs_diff(run_tanh(quantize(in, 16 / 256.0f, 0), qp(16 / 256.0f, 0)), quantize(golden, 1.0f / 128, 0)) <= 2);
}

TEST_CASE("Logistic and Tanh int8 hand-computed points", "[quant][activation]") {
  // The zero point maps to logistic 1/2 = 128/256 -> 0 and tanh 0 -> 0.
  CHECK(run_logistic({-7}, qp(0.05f, -7)) == std::vector<int8_t>{0});
  CHECK(run_tanh({12}, qp(0.05f, 12)) == std::vector<int8_t>{0});
  // Scale 1: s * 2^27 = 2^27 -> frexp 0.5 * 2^28, radius floor(15 * 2^27 / 2^28) = 7.
  const FixedActivationParams p = prepare_logistic(qp(1.0f, 0), kLogisticOut, 1);
  CHECK(p.input_multiplier == QuantizedMultiplier{1 << 30, 28});
  CHECK(p.input_range_radius == 7);
  // At and past the radius the outputs saturate; inside they follow the curve (logistic(6) = 0.9975
  // -> 255 steps -> 127, logistic(-6) = 0.0025 -> 1 step -> -127).
  CHECK(run_logistic({7, -7, 6, -6}, qp(1.0f, 0)) == std::vector<int8_t>{127, -128, 127, -127});
  CHECK(run_tanh({7, -7, 1, -1}, qp(1.0f, 0)) == std::vector<int8_t>{127, -128, 97, -97});  // tanh(1) * 128 = 97.48
}

TEST_CASE("Logistic and Tanh int8 agree with float math within 1 LSB on every input", "[quant][activation]") {
  const std::vector<int8_t> x = all_int8();
  for (float scale : {0.003f, 0.02f, 0.0625f, 0.1f, 0.4f}) {
    for (int32_t zp : {-128, -3, 100}) {
      const std::vector<float> real = dequantize(x, scale, zp);
      std::vector<int32_t> logistic_ref, tanh_ref;
      for (float r : real) {
        logistic_ref.push_back(reference_quantize(1 / (1 + std::exp(-static_cast<double>(r))), 1.0f / 256, -128));
        tanh_ref.push_back(reference_quantize(std::tanh(static_cast<double>(r)), 1.0f / 128, 0));
      }
      CHECK(max_abs_diff(run_logistic(x, qp(scale, zp)), logistic_ref) <= 1);
      CHECK(max_abs_diff(run_tanh(x, qp(scale, zp)), tanh_ref) <= 1);
    }
  }
}

TEST_CASE("Logistic and Tanh int8 reject unsupported parameters", "[quant][activation]") {
  CHECK_THROWS_AS(prepare_logistic(qp(0.1f, 0), qp(1.0f / 255, -128), 4), InputError);
  CHECK_THROWS_AS(prepare_logistic(qp(0.1f, 0), qp(1.0f / 256, 0), 4), InputError);
  CHECK_THROWS_AS(prepare_tanh(qp(0.1f, 0), qp(1.0f / 256, 0), 4), InputError);
  CHECK_THROWS_AS(prepare_tanh(qp(0.1f, 0), qp(1.0f / 128, -128), 4), InputError);
  CHECK_THROWS_AS(prepare_tanh(qp(0.0f, 0), kTanhOut, 4), InputError);
  CHECK_THROWS_AS(prepare_logistic(qp(1e-9f, 0), kLogisticOut, 4), InputError);
}
