// ir::dequantize: per-tensor and per-channel parameters along any axis, int32 values rounded once.
#include <catch2/catch.hpp>

#include "ir/dequantize.h"
#include "ir/error.h"

using namespace tinyc;

TEST_CASE("dequantize applies per-channel scales along their axis and zero points") {
  const ir::Tensor w = ir::Tensor::from_vector<int8_t>({2, 3}, {1, -2, 3, 4, 5, -6});
  CHECK(ir::dequantize(w, ir::QuantParams{{0.5f, 0.25f}, {0, 0}, 0}) ==
        std::vector<float>{0.5f, -1.0f, 1.5f, 1.0f, 1.25f, -1.5f});
  CHECK(ir::dequantize(w, ir::QuantParams{{1.0f, 2.0f, 4.0f}, {0, 0, 0}, 1}) ==
        std::vector<float>{1.0f, -4.0f, 12.0f, 4.0f, 10.0f, -24.0f});
  CHECK(ir::dequantize(w, ir::QuantParams{{0.5f}, {-2}, 0}) == std::vector<float>{1.5f, 0.0f, 2.5f, 3.0f, 3.5f, -2.0f});
}

TEST_CASE("dequantize rounds an int32 value times its scale once, not the value first") {
  // 16777217 is not a float; rounding it first gives 0.1f * 16777216 -> 1677721.625.
  const ir::Tensor bias = ir::Tensor::from_vector<int32_t>({1}, {16777217});
  CHECK(ir::dequantize(bias, ir::QuantParams{{0.1f}, {0}, 0}) == std::vector<float>{1677721.75f});
}

TEST_CASE("dequantize refuses float data and parameters that do not fit the shape") {
  CHECK_THROWS_AS(ir::dequantize(ir::Tensor::from_vector<float>({1}, {1.0f}), ir::QuantParams{{1.0f}, {0}, 0}),
                  InternalError);
  const ir::Tensor w = ir::Tensor::from_vector<int8_t>({2, 3}, {1, -2, 3, 4, 5, -6});
  CHECK_THROWS_AS(ir::dequantize(w, ir::QuantParams{{1.0f, 2.0f}, {0, 0}, 1}), InternalError);
}
