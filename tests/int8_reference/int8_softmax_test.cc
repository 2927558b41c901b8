// int8 Softmax and LogSoftmax: TFLite Micro's softmax_test goldens, a float reference on seeded random rows,
// hand-computed rows, and the parameter errors.
#include "exec/int8_reference/int8_softmax.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "ir/error.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using namespace tinyc::quant_test;

namespace {

const ir::QuantParams kSoftmaxOut = qp(1.0f / 256, -128);

std::vector<int8_t> run_softmax(const ir::Shape& shape, const std::vector<int8_t>& x, const ir::QuantParams& in) {
  const SoftmaxParams p = prepare_softmax(shape, in, kSoftmaxOut);
  std::vector<int8_t> y(x.size());
  softmax_int8(p, x, y);
  return y;
}

// Softmax (or, with `log`, log-softmax) along rows of `depth` in double, quantized to the op's fixed
// output grid (1/256 and -128; 16/256 and 127).
std::vector<int32_t> reference_softmax(const std::vector<float>& x, size_t depth, bool log = false) {
  std::vector<int32_t> out;
  for (size_t r = 0; r < x.size(); r += depth) {
    double max = x[r], sum = 0;
    for (size_t c = 0; c < depth; ++c) max = std::max<double>(max, x[r + c]);
    for (size_t c = 0; c < depth; ++c) sum += std::exp(x[r + c] - max);
    for (size_t c = 0; c < depth; ++c)
      out.push_back(log ? reference_quantize(x[r + c] - max - std::log(sum), 16.0f / 256, 127)
                        : reference_quantize(std::exp(x[r + c] - max) / sum, 1.0f / 256, -128));
  }
  return out;
}

// Runs a TFLM softmax_test case: inputs quantized at scale 0.1, zero point 0; the float golden
// quantized to the output grid; TFLM's tolerance of 1.
void check_tflm_case(const ir::Shape& shape, const std::vector<float>& input, const std::vector<float>& golden) {
  const std::vector<int8_t> y = run_softmax(shape, quantize(input, 0.1f, 0), qp(0.1f, 0));
  CHECK(max_abs_diff(y, quantize(golden, 1.0f / 256, -128)) <= 1);
}

}  // namespace

TEST_CASE("Softmax int8 matches TFLite Micro's softmax_test goldens", "[quant][softmax]") {
  // SoftmaxTest.Softmax1DQuantizedInt8ShouldMatchGolden.
  check_tflm_case({1, 5}, {1, 2, 3, 4, 5}, {0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647});
  // SoftmaxTest.Softmax2DQuantizedInt8ShouldMatchGolden.
  check_tflm_case({2, 5}, {1, 2, 3, 4, 5, -1, -2, -3, -4, -5},
                  {0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647, 0.636408647, 0.234121657,
                   0.086128544, 0.031684921, 0.011656231});
  // SoftmaxTest.Softmax3DQuantizedInt8ShouldMatchGolden, first channel (shape 3x4x5 in the test).
  check_tflm_case({4, 5}, {3, 6, -5, 4, -9, -10, -10, -8, 2, 2, 8, -5, -8, 5, -6, -8, 6, 1, -10, -8},
                  {0.042009463, 0.843782625, 0.000014093, 0.114193561, 0.000000258, 0.000003072, 0.000003072,
                   0.000022699, 0.499985578, 0.499985578, 0.952571219, 0.000002153, 0.000000107, 0.047425728,
                   0.000000792, 0.000000826, 0.993305397, 0.006692839, 0.000000112, 0.000000826});
}

TEST_CASE("Softmax int8 hand-computed rows", "[quant][softmax]") {
  // Equal entries share the mass exactly: 1/4 = 64/256 -> -64; 1/2 -> 0; a lone entry is 1.0, which
  // clamps to 127.
  CHECK(run_softmax({1, 4}, {5, 5, 5, 5}, qp(0.1f, 0)) == std::vector<int8_t>{-64, -64, -64, -64});
  CHECK(run_softmax({1, 2}, {-7, -7}, qp(0.3f, 3)) == std::vector<int8_t>{0, 0});
  CHECK(run_softmax({1, 1}, {42}, qp(0.1f, 0)) == std::vector<int8_t>{127});
  // A difference beyond the Q5.26 radius contributes nothing: at scale 1, diff_min is -15 (exp(-15)
  // is far below 1/256), so the row is 1.0 / 0.0.
  const SoftmaxParams p = prepare_softmax({1, 2}, qp(1.0f, 0), kSoftmaxOut);
  CHECK(p.diff_min == -15);
  CHECK(run_softmax({1, 2}, {100, -100}, qp(1.0f, 0)) == std::vector<int8_t>{127, -128});
  // 300 equal entries: 256/300 = 0.85 -> 1 step above -128. 600 entries: the sum passes 512, where
  // TFLite Micro stops; every output is 0.0 (-128) here.
  CHECK(run_softmax({1, 300}, std::vector<int8_t>(300, 9), qp(0.1f, 0)) == std::vector<int8_t>(300, -127));
  CHECK(run_softmax({1, 600}, std::vector<int8_t>(600, 9), qp(0.1f, 0)) == std::vector<int8_t>(600, -128));
}

TEST_CASE("Softmax int8 agrees with float softmax within 1 LSB on random rows", "[quant][softmax]") {
  std::mt19937 rng(7);
  for (float scale : {0.02f, 0.0625f, 0.1f, 0.37f}) {
    for (int32_t zp : {-128, -5, 60}) {
      const std::vector<int8_t> x = random_int8(rng, 8 * 37);
      const std::vector<int8_t> y = run_softmax({8, 37}, x, qp(scale, zp));
      CHECK(max_abs_diff(y, reference_softmax(dequantize(x, scale, zp), 37)) <= 1);
    }
  }
}

TEST_CASE("Softmax int8 rejects parameters TFLite does not support", "[quant][softmax]") {
  CHECK_THROWS_AS(prepare_softmax({1, 4}, qp(0.1f, 0), qp(1.0f / 255, -128)), InputError);
  CHECK_THROWS_AS(prepare_softmax({1, 4}, qp(0.1f, 0), qp(1.0f / 256, 0)), InputError);
  CHECK_THROWS_AS(prepare_softmax({1, 4}, qp(0.0f, 0), kSoftmaxOut), InputError);
  CHECK_THROWS_AS(prepare_softmax({1, 4}, qp(1e-9f, 0), kSoftmaxOut), InputError);
  CHECK_THROWS_AS(prepare_softmax({1, 4}, qp(0.1f, 0), kSoftmaxOut, -1.0f), InputError);
  CHECK_THROWS_AS(prepare_softmax({}, qp(0.1f, 0), kSoftmaxOut), InputError);
  const SoftmaxParams p = prepare_softmax({2, 3}, qp(0.1f, 0), kSoftmaxOut);
  std::vector<int8_t> small(5), out(6);
  CHECK_THROWS_AS(softmax_int8(p, small, out), InternalError);
}

TEST_CASE("LogSoftmax int8 agrees with float log-softmax within 1 LSB on random rows", "[quant][softmax]") {
  std::mt19937 rng(9);
  for (float scale : {0.02f, 0.0625f, 0.1f, 0.37f}) {
    for (int32_t zp : {-128, -5, 60}) {
      const std::vector<int8_t> x = random_int8(rng, 8 * 37);
      const LogSoftmaxParams p = prepare_log_softmax({8, 37}, qp(scale, zp), qp(16.0f / 256, 127));
      std::vector<int8_t> y(x.size());
      log_softmax_int8(p, x, y);
      CHECK(max_abs_diff(y, reference_softmax(dequantize(x, scale, zp), 37, true)) <= 1);
    }
  }
  CHECK_THROWS_AS(prepare_log_softmax({1, 4}, qp(0.1f, 0), qp(1.0f / 256, -128)), InputError);
}
