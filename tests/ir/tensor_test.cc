// Tensor and shape arithmetic, including the overflow and negative-dim guards.
#include <catch2/catch.hpp>

#include "ir/error.h"
#include "ir/tensor.h"

using namespace tinyc;
using namespace tinyc::ir;

TEST_CASE("tensor stores and converts values") {
  Tensor t = Tensor::from_vector<int32_t>({2, 2}, {1, -2, 3, 4});
  CHECK(t.byte_size() == 16);
  CHECK(t.to_int64() == std::vector<int64_t>{1, -2, 3, 4});
  CHECK(t.to_double()[1] == -2.0);
  CHECK_THROWS_AS(t.values<float>(), InternalError);
  CHECK_THROWS_AS(Tensor::from_vector<float>({3}, {1.f}), InternalError);
}

TEST_CASE("float tensors are not shape data") {
  Tensor t = Tensor::from_vector<float>({1}, {1.5f});
  CHECK_THROWS_AS(t.to_int64(), InputError);
}

TEST_CASE("num_elements rejects negative and overflowing dims") {
  CHECK(num_elements({}) == 1);
  CHECK(num_elements({2, 0, 5}) == 0);
  CHECK(num_elements({3, 4}) == 12);
  CHECK_THROWS_AS(num_elements({2, -1}), InputError);
  CHECK_THROWS_AS(num_elements({int64_t{1} << 40, int64_t{1} << 40}), InputError);
  CHECK(shape_to_string({1, 3, 32, 32}) == "1x3x32x32");
}
