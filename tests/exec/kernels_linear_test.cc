// Gemm and MatMul kernels against hand-computed products and triple-loop references.
#include <catch2/catch.hpp>

#include "exec_test_util.h"
#include "ir/error.h"

using namespace tinyc;
using namespace tinyc::exec_test;

namespace {

// Element (i, j) of a row-major matrix, read transposed when asked.
float at(const ir::Tensor& m, bool transposed, int64_t i, int64_t j) {
  const int64_t cols = m.shape()[1];
  return transposed ? m.values<float>()[j * cols + i] : m.values<float>()[i * cols + j];
}

ir::Tensor direct_gemm(const ir::Tensor& a, const ir::Tensor& b, const ir::Tensor* c, bool ta, bool tb, float alpha,
                       float beta) {
  const int64_t m = a.shape()[ta ? 1 : 0], k = a.shape()[ta ? 0 : 1], n = b.shape()[tb ? 0 : 1];
  ir::Tensor y(ir::DType::Float32, {m, n});
  auto Y = y.mutable_values<float>();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < k; ++p) acc += double(at(a, ta, i, p)) * at(b, tb, p, j);
      double bias = 0;
      if (c) {  // C broadcast to [m, n]: right-aligned dims of size 1 repeat
        const ir::Shape& s = c->shape();
        const int64_t rows = s.size() == 2 ? s[0] : 1, cols = s.empty() ? 1 : s.back();
        bias = c->values<float>()[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
      }
      Y[i * n + j] = static_cast<float>(alpha * acc + beta * bias);
    }
  return y;
}

}  // namespace

TEST_CASE("Gemm: hand-computed product with bias", "[exec][kernels][gemm]") {
  const ir::Tensor a = floats({2, 2}, {1, 2, 3, 4});
  const ir::Tensor b = floats({2, 2}, {5, 6, 7, 8});
  const ir::Tensor c = floats({2}, {100, 200});
  CHECK(values(run1("Gemm", {in(a), constant(b), constant(c)})) == Floats{119, 222, 143, 250});
  // transB: rows of B are the weights of each output, as torch exports Linear.
  CHECK(values(run1("Gemm", {in(a), constant(b)}, {{"transB", int64_t{1}}})) == Floats{17, 23, 39, 53});
}

TEST_CASE("Gemm: every transpose, alpha, beta and C broadcast equals the triple loop", "[exec][kernels][gemm]") {
  uint32_t seed = 10;
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb)
      for (const ir::Shape& c_shape : {ir::Shape{}, ir::Shape{5}, ir::Shape{3, 1}, ir::Shape{3, 5}, ir::Shape{1}}) {
        DYNAMIC_SECTION("transA " << ta << " transB " << tb << " C " << ir::shape_to_string(c_shape)) {
          const ir::Tensor a = random_tensor(ta ? ir::Shape{7, 3} : ir::Shape{3, 7}, seed++);
          const ir::Tensor b = random_tensor(tb ? ir::Shape{5, 7} : ir::Shape{7, 5}, seed++);
          const ir::Tensor c = random_tensor(c_shape, seed++);
          const ir::Attributes attrs{{"transA", int64_t{ta}}, {"transB", int64_t{tb}}, {"alpha", 0.5f}, {"beta", 2.0f}};
          const ir::Tensor got = run1("Gemm", {in(a), constant(b), constant(c)}, attrs);
          CHECK(max_abs_diff(got, direct_gemm(a, b, &c, ta, tb, 0.5f, 2.0f)) < 1e-5);
        }
      }
  const ir::Tensor a = random_tensor({4, 6}, 1), b = random_tensor({6, 2}, 2);
  CHECK(max_abs_diff(run1("Gemm", {in(a), in(b)}), direct_gemm(a, b, nullptr, false, false, 1, 1)) < 1e-5);
}

TEST_CASE("MatMul: 1-D promotion and batch broadcasting", "[exec][kernels][gemm]") {
  // Vector times matrix: the promoted row is dropped again.
  const ir::Tensor v = floats({2}, {1, 2});
  const ir::Tensor m = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  const ir::Tensor vm = run1("MatMul", {in(v), constant(m)});
  CHECK(vm.shape() == ir::Shape{3});
  CHECK(values(vm) == Floats{9, 12, 15});
  const ir::Tensor mv = run1("MatMul", {in(floats({2, 2}, {1, 2, 3, 4})), in(v)});
  CHECK(mv.shape() == ir::Shape{2});
  CHECK(values(mv) == Floats{5, 11});

  // [2, 1, 3, 4] x [3, 4, 5] -> [2, 3, 3, 5]: A repeats over B's batch, B over A's.
  const ir::Tensor a = random_tensor({2, 1, 3, 4}, 3), b = random_tensor({3, 4, 5}, 4);
  const ir::Tensor y = run1("MatMul", {in(a), in(b)});
  REQUIRE(y.shape() == ir::Shape{2, 3, 3, 5});
  const auto A = a.values<float>(), B = b.values<float>(), Y = y.values<float>();
  double worst = 0;
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t r = 0; r < 3; ++r)
        for (int64_t c = 0; c < 5; ++c) {
          double acc = 0;
          for (int64_t k = 0; k < 4; ++k) acc += double(A[(i * 3 + r) * 4 + k]) * B[(j * 4 + k) * 5 + c];
          worst = std::max(worst, std::fabs(acc - Y[((i * 3 + j) * 3 + r) * 5 + c]));
        }
  CHECK(worst < 1e-5);
}

TEST_CASE("Gemm and MatMul reject mismatched inner dims", "[exec][kernels][gemm]") {
  CHECK_THROWS_AS(run1("Gemm", {in(random_tensor({2, 3}, 1)), in(random_tensor({4, 2}, 2))}), InputError);
  CHECK_THROWS_AS(run1("MatMul", {in(random_tensor({2, 3}, 1)), in(random_tensor({4, 2}, 2))}), InputError);
}
