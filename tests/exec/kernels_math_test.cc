// Math kernels (unary math, variadic Max/Min/Sum/Mean, the Reduce* family) through evaluate_node,
// with output types set by hand, against std:: functions and direct loops.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "exec/evaluate.h"
#include "exec_test_util.h"
#include "ir/error.h"

using namespace tinyc;
using namespace tinyc::exec_test;

namespace {

// One node over constant inputs, evaluated as constant folding does; the output type is given.
ir::Tensor evaluate(const std::string& op, const std::vector<ir::Tensor>& inputs, const ir::Shape& out_shape,
                    const ir::Attributes& attrs = {}, int64_t opset = 17) {
  std::vector<Arg> args;
  std::vector<const ir::Tensor*> pointers;
  for (const ir::Tensor& t : inputs) {
    args.push_back(constant(t));
    pointers.push_back(&t);
  }
  const auto g = node_graph(op, args, attrs, opset, 1);
  ir::Value* y = g->find_value("y0");
  y->dtype = inputs.at(0).dtype();
  y->shape = out_shape;
  return exec::evaluate_node(*y->producer(), pointers, opset).at(0);
}

bool near(const Floats& a, const std::vector<double>& b, double tolerance = 1e-6) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::fabs(a[i] - b[i]) > tolerance * std::max(1.0, std::fabs(b[i]))) return false;
  return true;
}

}  // namespace

TEST_CASE("unary math follows the C++ library", "[exec][kernels][math]") {
  const ir::Tensor x = floats({5}, {0.25f, 0.5f, 1.5f, 2.75f, 9});
  const ir::Tensor s = floats({5}, {-2.5f, -0.5f, 0, 0.5f, 2.5f});
  const auto apply = [](const ir::Tensor& t, double (*f)(double)) {
    std::vector<double> y;
    for (float v : values(t)) y.push_back(f(v));
    return y;
  };
  CHECK(near(values(evaluate("Exp", {s}, {5})), apply(s, [](double v) { return std::exp(v); })));
  CHECK(near(values(evaluate("Log", {x}, {5})), apply(x, [](double v) { return std::log(v); })));
  CHECK(near(values(evaluate("Sqrt", {x}, {5})), apply(x, [](double v) { return std::sqrt(v); })));
  CHECK(near(values(evaluate("Reciprocal", {x}, {5})), apply(x, [](double v) { return 1 / v; })));
  CHECK(near(values(evaluate("Erf", {s}, {5})), apply(s, [](double v) { return std::erf(v); })));
  CHECK(values(evaluate("Floor", {s}, {5})) == Floats{-3, -1, 0, 0, 2});
  CHECK(values(evaluate("Ceil", {s}, {5})) == Floats{-2, -0.0f, 0, 1, 3});
  CHECK(values(evaluate("Abs", {s}, {5})) == Floats{2.5f, 0.5f, 0, 0.5f, 2.5f});
  CHECK(values(evaluate("Neg", {s}, {5})) == Floats{2.5f, 0.5f, -0.0f, -0.5f, -2.5f});
  // The most negative integer has no positive twin: it wraps to itself, as in numpy.
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  const ir::Tensor i = ir::Tensor::from_vector<int64_t>({3}, {kMin, -3, 4});
  CHECK(evaluate("Abs", {i}, {3}) == ir::Tensor::from_vector<int64_t>({3}, {kMin, 3, 4}));
  CHECK(evaluate("Neg", {i}, {3}) == ir::Tensor::from_vector<int64_t>({3}, {kMin, 3, -4}));
  CHECK_THROWS_AS(evaluate("Exp", {i}, {3}), InputError);
}

TEST_CASE("Max, Min, Sum and Mean broadcast over any number of inputs", "[exec][kernels][math]") {
  const ir::Tensor a = random_tensor({2, 1, 4}, 1), b = random_tensor({3, 1}, 2), c = random_tensor({4}, 3);
  const auto A = a.values<float>(), B = b.values<float>(), C = c.values<float>();
  std::vector<double> mx, mn, sum, mean;
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k) {
        const double x = A[i * 4 + k], y = B[j], z = C[k];
        mx.push_back(std::max({x, y, z}));
        mn.push_back(std::min({x, y, z}));
        sum.push_back(x + y + z);
        mean.push_back((x + y + z) / 3);
      }
  const ir::Shape out{2, 3, 4};
  CHECK(near(values(evaluate("Max", {a, b, c}, out)), mx));
  CHECK(near(values(evaluate("Min", {a, b, c}, out)), mn));
  CHECK(near(values(evaluate("Sum", {a, b, c}, out)), sum));
  CHECK(near(values(evaluate("Mean", {a, b, c}, out)), mean));
  CHECK(evaluate("Max", {a}, a.shape()) == a);
  const ir::Tensor u = ir::Tensor::from_vector<uint8_t>({3}, {1, 200, 7});
  const ir::Tensor v = ir::Tensor::from_vector<uint8_t>({3}, {9, 100, 7});
  CHECK(evaluate("Max", {u, v}, {3}) == ir::Tensor::from_vector<uint8_t>({3}, {9, 200, 7}));
  CHECK_THROWS_AS(evaluate("Sum", {u, v}, {3}), InputError);
}

TEST_CASE("the Reduce family over axes 0 and 2 of a 2x3x2 tensor", "[exec][kernels][math]") {
  const ir::Tensor x = random_tensor({2, 3, 2}, 9, 0.1f, 2.0f);
  const auto X = x.values<float>();
  // Direct: fold the 4 elements of each j (i and k vary), then finish.
  const auto direct = [&](double init, auto fold, auto finish) {
    std::vector<double> y;
    for (int64_t j = 0; j < 3; ++j) {
      double acc = init;
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t k = 0; k < 2; ++k) acc = fold(acc, double(X[(i * 3 + j) * 2 + k]));
      y.push_back(finish(acc));
    }
    return y;
  };
  const auto same = [](double v) { return v; };
  const auto plus = [](double a, double v) { return a + v; };
  const ir::Attributes attrs{{"axes", Ints{0, -1}}, {"keepdims", int64_t{0}}};
  const auto reduce = [&](const std::string& op) { return values(evaluate(op, {x}, {3}, attrs)); };
  CHECK(near(reduce("ReduceMax"), direct(-INFINITY, [](double a, double v) { return std::max(a, v); }, same)));
  CHECK(near(reduce("ReduceMin"), direct(INFINITY, [](double a, double v) { return std::min(a, v); }, same)));
  CHECK(near(reduce("ReduceProd"), direct(1, [](double a, double v) { return a * v; }, same)));
  CHECK(near(reduce("ReduceL1"), direct(0, [](double a, double v) { return a + std::fabs(v); }, same)));
  CHECK(near(reduce("ReduceL2"), direct(0, [](double a, double v) { return a + v * v; }, [](double s) { return std::sqrt(s); })));
  CHECK(near(reduce("ReduceSumSquare"), direct(0, [](double a, double v) { return a + v * v; }, same)));
  CHECK(near(reduce("ReduceLogSum"), direct(0, plus, [](double s) { return std::log(s); })));
  CHECK(near(reduce("ReduceLogSumExp"), direct(0, [](double a, double v) { return a + std::exp(v); },
                                               [](double s) { return std::log(s); })));
  // ReduceSum takes axes as an input from opset 13.
  CHECK(near(values(evaluate("ReduceSum", {x, ints({0, 2})}, {3}, {{"keepdims", int64_t{0}}}, 13)),
             direct(0, plus, same)));
  CHECK(near(values(evaluate("ReduceSum", {x}, {1, 1, 1})), {direct(0, plus, same)[0] + direct(0, plus, same)[1] +
                                                              direct(0, plus, same)[2]}));
}
