// int8 RSQRT: every input against the float formula (within one output step), 1 / sqrt(0) as 127,
// and the refused zero point. TFLite Micro itself judges the kernel in tests/tflite/tflm_ops_test.cc.
#include "exec/int8_reference/int8_rsqrt.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "ir/error.h"
#include "ir/graph.h"
#include "quant_test_util.h"

using namespace tinyc;
using namespace tinyc::exec::int8_reference;
using namespace tinyc::quant_test;

TEST_CASE("RSQRT int8 agrees with 1 / sqrt(x) within one output step on every input", "[quant][activation]") {
  for (const auto& [in_scale, out_scale, out_zp] : std::vector<std::tuple<float, float, int32_t>>{
           {0.01f, 0.05f, -128}, {0.5f, 0.01f, -100}, {0.002f, 0.1f, -128}, {3.0f, 0.003f, -20}}) {
    const ir::QuantParams in = qp(in_scale, -128);
    const RsqrtParams p = prepare_rsqrt(in, qp(out_scale, out_zp), 256);
    std::vector<int8_t> x(256), y(256);
    for (int i = 0; i < 256; ++i) x[static_cast<size_t>(i)] = static_cast<int8_t>(i - 128);
    rsqrt_int8(p, x, y);
    CHECK(y[0] == 127);  // x = 0
    for (int i = 1; i < 256; ++i) {
      const double real = 1 / std::sqrt(i * static_cast<double>(in_scale));
      INFO("input step " << i << ", scales " << in_scale << " -> " << out_scale);
      CHECK(std::abs(y[static_cast<size_t>(i)] - reference_quantize(real, out_scale, out_zp)) <= 1);
    }
  }
}

TEST_CASE("RSQRT int8 refuses an input that can be negative", "[quant][activation]") {
  CHECK_THROWS_AS(prepare_rsqrt(qp(0.1f, 0), qp(0.1f, -128), 4), InputError);
  ir::Graph g;
  CHECK(is_inverse_sqrt_exponent(g.add_constant("rsqrt", ir::Tensor::scalar<float>(-0.5f))));
  CHECK_FALSE(is_inverse_sqrt_exponent(g.add_constant("sqrt", ir::Tensor::scalar<float>(0.5f))));
  CHECK_FALSE(is_inverse_sqrt_exponent(g.add_constant("pair", ir::Tensor::from_vector<float>({2}, {-0.5f, -0.5f}))));
  CHECK_FALSE(is_inverse_sqrt_exponent(g.add_input("computed", ir::DType::Float32, {})));
  CHECK_FALSE(is_inverse_sqrt_exponent(nullptr));
}
