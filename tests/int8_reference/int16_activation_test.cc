// int16 Logistic and Tanh (the int8 LSTM's gates): every Q3.12 input against the float functions,
// the saturated ends, and the cell-state rescales. TFLite Micro judges them bit for bit through
// UNIDIRECTIONAL_SEQUENCE_LSTM in tests/tflite/tflm_ops_test.cc.
#include "exec/int8_reference/int16_activation.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using namespace tinyc::exec::int8_reference;

namespace {

std::vector<int16_t> every_int16() {
  std::vector<int16_t> x;
  for (int32_t v = -32768; v <= 32767; ++v) x.push_back(static_cast<int16_t>(v));
  return x;
}

}  // namespace

TEST_CASE("int16 Logistic of a Q3.12 input is within 2^-13 of the sigmoid over the whole range", "[quant][activation]") {
  const std::vector<int16_t> x = every_int16();
  std::vector<int16_t> y(x.size());
  logistic_int16(x, y);
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double real = 1 / (1 + std::exp(-x[i] / 4096.0));
    worst = std::max(worst, std::abs(y[i] / 32768.0 - real));
  }
  INFO("largest error " << worst);
  CHECK(worst < 1.0 / 8192);
  CHECK(y[32768] == 16384);  // sigmoid(0) = 1/2
}

TEST_CASE("int16 Tanh is within 2^-12 of tanh for Q3.12 inputs and for cell states at other scales", "[quant][activation]") {
  const std::vector<int16_t> x = every_int16();
  std::vector<int16_t> y(x.size());
  for (const int scale_log2 : {-12, -11, -10, -15, -14, 0}) {
    tanh_int16(tanh_rescale(scale_log2), x, y);
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const double real = std::tanh(std::ldexp(static_cast<double>(x[i]), scale_log2));
      worst = std::max(worst, std::abs(y[i] / 32768.0 - real));
    }
    INFO("scale 2^" << scale_log2 << ": largest error " << worst);
    CHECK(worst < 1.0 / 4096);
  }
  CHECK(tanh_rescale(-12).multiplier == 3);
  CHECK(tanh_rescale(-11).multiplier == 6);
  CHECK(tanh_rescale(-14).right_shift == 2);
}
