// Elementwise kernels: broadcasting arithmetic against an index-by-index reference, integer
// wrap-around and division errors, activations and Clip against their formulas.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "exec_test_util.h"
#include "ir/error.h"

using namespace tinyc;
using namespace tinyc::exec_test;

namespace {

// out[i] = op(a[...], b[...]) with numpy broadcasting, computed from multi-indices.
template <class Op>
std::vector<float> direct_broadcast(const ir::Tensor& a, const ir::Tensor& b, const ir::Shape& out, Op op) {
  const auto element = [&](const ir::Tensor& t, const Ints& index) {
    const ir::Shape& s = t.shape();
    const size_t shift = out.size() - s.size();
    int64_t flat = 0;
    for (size_t d = 0; d < s.size(); ++d) flat = flat * s[d] + (s[d] == 1 ? 0 : index[d + shift]);
    return t.values<float>()[flat];
  };
  std::vector<float> y;
  Ints index(out.size(), 0);
  for (int64_t n = 0; n < ir::num_elements(out); ++n) {
    y.push_back(op(element(a, index), element(b, index)));
    for (size_t d = out.size(); d-- > 0;) {
      if (++index[d] < out[d]) break;
      index[d] = 0;
    }
  }
  return y;
}

}  // namespace

TEST_CASE("Add/Sub/Mul/Div broadcast like numpy", "[exec][kernels][elementwise]") {
  struct Case {
    ir::Shape a, b, out;
  };
  const Case cases[] = {
      {{2, 3, 4}, {2, 3, 4}, {2, 3, 4}}, {{2, 3, 4}, {4}, {2, 3, 4}},       {{2, 1, 4}, {3, 1}, {2, 3, 4}},
      {{1}, {2, 3}, {2, 3}},             {{2, 3, 1, 5}, {1, 3, 4, 1}, {2, 3, 4, 5}}, {{}, {3}, {3}},
  };
  uint32_t seed = 1;
  for (const Case& c : cases) {
    DYNAMIC_SECTION(ir::shape_to_string(c.a) << " op " << ir::shape_to_string(c.b)) {
      const ir::Tensor a = random_tensor(c.a, seed++);
      const ir::Tensor b = random_tensor(c.b, seed++, 0.5f, 2.0f);  // away from 0 for Div
      CHECK(values(run1("Add", {in(a), in(b)})) == direct_broadcast(a, b, c.out, std::plus<float>()));
      CHECK(values(run1("Sub", {in(a), in(b)})) == direct_broadcast(a, b, c.out, std::minus<float>()));
      CHECK(values(run1("Mul", {in(a), in(b)})) == direct_broadcast(a, b, c.out, std::multiplies<float>()));
      CHECK(values(run1("Div", {in(a), in(b)})) == direct_broadcast(a, b, c.out, std::divides<float>()));
    }
  }
}

TEST_CASE("integer arithmetic wraps like numpy and Div truncates", "[exec][kernels][elementwise]") {
  const auto u8 = [](std::vector<uint8_t> v) { return ir::Tensor::from_vector<uint8_t>({3}, v); };
  CHECK(run1("Add", {in(u8({250, 1, 128})), in(u8({10, 2, 128}))}) == u8({4, 3, 0}));
  CHECK(run1("Sub", {in(u8({0, 5, 1})), in(u8({1, 2, 3}))}) == u8({255, 3, 254}));
  const auto i32 = [](std::vector<int32_t> v) { return ir::Tensor::from_vector<int32_t>({3}, v); };
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max(), kMin = std::numeric_limits<int32_t>::min();
  CHECK(run1("Add", {in(i32({kMax, -7, 7})), in(i32({1, 2, -2}))}) == i32({kMin, -5, 5}));
  CHECK(run1("Div", {in(i32({-7, 7, kMin})), in(i32({2, -2, -1}))}) == i32({-3, -3, kMin}));
  CHECK_THROWS_AS(run1("Div", {in(i32({1, 2, 3})), in(i32({1, 0, 1}))}), InputError);
  const auto i64 = [](std::vector<int64_t> v) { return ir::Tensor::from_vector<int64_t>({3}, v); };
  CHECK(run1("Mul", {in(i64({3, -4, 1LL << 62})), in(i64({5, 6, 4}))}) == i64({15, -24, 0}));
}

TEST_CASE("before opset 7: Add places B at `axis` of A, PRelu slopes are per channel", "[exec][kernels][elementwise]") {
  const ir::Tensor a = floats({2, 3, 2}, {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1});
  const ir::Tensor b = floats({3}, {10, 20, 30});
  const ir::Attributes axis_1{{"broadcast", int64_t{1}}, {"axis", int64_t{1}}};
  const ir::Tensor sum = run1("Add", {in(a), constant(b)}, axis_1, 6);
  CHECK(sum.shape() == ir::Shape{2, 3, 2});
  CHECK(values(sum) == Floats{10, 10, 20, 20, 30, 30, 11, 11, 21, 21, 31, 31});
  // Without `axis`, B is aligned to the right of A: a 3x2 B adds to every 3x2 block.
  const ir::Tensor block = floats({3, 2}, {1, 2, 3, 4, 5, 6});
  CHECK(values(run1("Sub", {in(a), constant(block)}, {{"broadcast", int64_t{1}}}, 6)) ==
        Floats{-1, -2, -3, -4, -5, -6, 0, -1, -2, -3, -4, -5});
  const ir::Tensor x = floats({1, 3, 2}, {-1, 1, -1, 1, -1, 1});
  const ir::Tensor prelu = run1("PRelu", {in(x), constant(floats({3}, {1, 2, 3}))}, {}, 6);
  CHECK(prelu.shape() == ir::Shape{1, 3, 2});
  CHECK(values(prelu) == Floats{-1, 1, -2, 1, -3, 1});
  // From opset 7 the same slope broadcasts numpy-style, which does not fit a last dim of 2.
  CHECK_THROWS_AS(run1("PRelu", {in(x), constant(floats({3}, {1, 2, 3}))}, {}, 7), InputError);
}

TEST_CASE("activations follow their ONNX formulas", "[exec][kernels][elementwise]") {
  const ir::Tensor x = floats({7}, {-6, -3, -0.5f, 0, 0.5f, 3, 6});
  const auto each = [&](auto f) {
    Floats y;
    for (float v : values(x)) y.push_back(f(v));
    return y;
  };
  const auto near = [](const Floats& a, const Floats& b) {
    for (size_t i = 0; i < a.size(); ++i)
      if (std::fabs(a[i] - b[i]) > 1e-6f) return false;
    return a.size() == b.size();
  };
  CHECK(values(run1("Relu", {in(x)})) == Floats{0, 0, 0, 0, 0.5f, 3, 6});
  CHECK(near(values(run1("Sigmoid", {in(x)})), each([](float v) { return 1 / (1 + std::exp(-v)); })));
  CHECK(near(values(run1("Tanh", {in(x)})), each([](float v) { return std::tanh(v); })));
  CHECK(near(values(run1("LeakyRelu", {in(x)})), Floats{-0.06f, -0.03f, -0.005f, 0, 0.5f, 3, 6}));
  CHECK(values(run1("LeakyRelu", {in(x)}, {{"alpha", 0.5f}})) == Floats{-3, -1.5f, -0.25f, 0, 0.5f, 3, 6});
  CHECK(near(values(run1("HardSigmoid", {in(x)})), Floats{0, 0, 0.4f, 0.5f, 0.6f, 1, 1}));
  CHECK(near(values(run1("HardSigmoid", {in(x)}, {{"alpha", 0.25f}, {"beta", 0.25f}})),
             Floats{0, 0, 0.125f, 0.25f, 0.375f, 1, 1}));
  CHECK(near(values(run1("HardSwish", {in(x)})), Floats{0, 0, -0.5f * 2.5f / 6, 0, 0.5f * 3.5f / 6, 3, 6}));
  const ir::Tensor xi = ir::Tensor::from_vector<int32_t>({3}, {-5, 0, 7});
  CHECK(run1("Relu", {in(xi)}) == ir::Tensor::from_vector<int32_t>({3}, {0, 0, 7}));
  CHECK_THROWS_AS(run1("Sigmoid", {in(xi)}), InputError);
}

TEST_CASE("Clip bounds from inputs (opset 11+) or attributes (before)", "[exec][kernels][elementwise]") {
  const ir::Tensor x = floats({5}, {-8, -1, 0, 2, 9});
  CHECK(values(run1("Clip", {in(x), constant(ir::Tensor::scalar(0.0f)), constant(ir::Tensor::scalar(6.0f))})) ==
        Floats{0, 0, 0, 2, 6});
  CHECK(values(run1("Clip", {in(x), omitted(), constant(ir::Tensor::scalar(1.0f))})) == Floats{-8, -1, 0, 1, 1});
  CHECK(values(run1("Clip", {in(x), in(ir::Tensor::scalar(-1.0f))})) == Floats{-1, -1, 0, 2, 9});
  CHECK(values(run1("Clip", {in(x)}, {{"min", -2.0f}, {"max", 3.0f}}, 6)) == Floats{-2, -1, 0, 2, 3});
  // min > max: every element becomes max.
  CHECK(values(run1("Clip", {in(x), constant(ir::Tensor::scalar(5.0f)), constant(ir::Tensor::scalar(1.0f))})) ==
        Floats{1, 1, 1, 1, 1});
  const ir::Tensor xi = ir::Tensor::from_vector<int8_t>({3}, {-128, 5, 127});
  CHECK(run1("Clip", {in(xi), constant(ir::Tensor::scalar<int8_t>(-10)), constant(ir::Tensor::scalar<int8_t>(10))}) ==
        ir::Tensor::from_vector<int8_t>({3}, {-10, 5, 10}));
}

TEST_CASE("PRelu: slope broadcast to the input", "[exec][kernels][elementwise]") {
  const ir::Tensor x = floats({1, 2, 3}, {-1, 2, -3, -4, 5, -6});
  CHECK(values(run1("PRelu", {in(x), constant(floats({2, 1}, {0.5f, 2}))})) == Floats{-0.5f, 2, -1.5f, -8, 5, -12});
  CHECK(values(run1("PRelu", {in(x), constant(floats({3}, {1, 2, 3}))})) == Floats{-1, 2, -9, -4, 5, -18});
}
