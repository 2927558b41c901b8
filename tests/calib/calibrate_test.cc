// The calibration runner on a tiny graph with known activations: ranges of inputs and every
// runtime value, --calib-samples, two-pass methods, and bad data.
#include "calib/calibrate.h"

#include <catch2/catch.hpp>
#include <limits>

#include "exec/shape_inference.h"
#include "support/test_support.h"

using namespace tinyc;
using namespace tinyc::calib;

namespace {

// x[1,4] -> Relu -> r -> Mul(3) -> y
std::unique_ptr<ir::Graph> relu_scale_graph() {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 4});
  ir::Value* r = g->add_node("Relu", {x}, {"r"}, "relu")->output(0);
  ir::Value* three = g->add_constant("three", ir::Tensor::scalar<float>(3.0f));
  g->add_output(g->add_node("Mul", {r, three}, {"y"}, "scale")->output(0));
  exec::infer_shapes(*g);
  return g;
}

// Three rows; the third holds the extremes.
ir::Tensor three_rows() {
  return ir::Tensor::from_vector<float>({3, 4}, {-1.0f, 0.5f, 2.0f, 0.0f,   //
                                                 -0.5f, 1.0f, 0.25f, 1.5f,  //
                                                 -4.0f, 0.0f, 8.0f, 0.0f});
}

}  // namespace

TEST_CASE("minmax calibration ranges every input and runtime value, with 0 included") {
  const auto g = relu_scale_graph();
  CalibrationOptions options;
  options.method = Method::MinMax;
  const Calibration c = calibrate(*g, {three_rows()}, options);
  CHECK(c.rows == 3);
  REQUIRE(c.ranges.size() == 3);
  CHECK(c.ranges.at("x").min == -4.0f);
  CHECK(c.ranges.at("x").max == 8.0f);
  CHECK(c.ranges.at("r").min == 0.0f);
  CHECK(c.ranges.at("r").max == 8.0f);
  CHECK(c.ranges.at("y").max == 24.0f);
  CHECK(c.ranges.at("y").method == Method::MinMax);
}

TEST_CASE("calibration uses only the first max_rows rows (--calib-samples)") {
  const auto g = relu_scale_graph();
  CalibrationOptions options;
  options.method = Method::MinMax;
  options.max_rows = 2;
  const Calibration c = calibrate(*g, {three_rows()}, options);
  CHECK(c.rows == 2);
  CHECK(c.ranges.at("x").min == -1.0f);
  CHECK(c.ranges.at("x").max == 2.0f);
  CHECK(c.ranges.at("y").max == 6.0f);
}

TEST_CASE("histogram methods run a second pass and record the method of each range") {
  const auto g = relu_scale_graph();
  for (Method m : {Method::Percentile, Method::Entropy, Method::Mse, Method::Auto}) {
    CalibrationOptions options;
    options.method = m;
    const Calibration c = calibrate(*g, {three_rows()}, options);
    INFO(method_name(m));
    REQUIRE(c.ranges.size() == 3);
    for (const auto& [name, r] : c.ranges) {
      CHECK(r.method != Method::Auto);
      if (m != Method::Auto) CHECK(r.method == m);
      CHECK(r.min <= 0.0f);
      CHECK(r.max > 0.0f);
      CHECK(r.max <= (name == "y" ? 24.0f : 8.0f));
    }
  }
}

TEST_CASE("calibration data that does not fit the model is an input error") {
  const auto g = relu_scale_graph();
  const std::string wrong_shape = test::input_error_of([&] {
    calibrate(*g, {ir::Tensor(ir::DType::Float32, {3, 5})}, {});
  });
  CHECK(wrong_shape.find("calibration data") != std::string::npos);
  CHECK(test::input_error_of([&] { calibrate(*g, {}, {}); }).find("inputs") != std::string::npos);
  CHECK(test::input_error_of([&] {
          calibrate(*g, {ir::Tensor(ir::DType::Float32, {0, 4})}, {});
        }).find("no rows") != std::string::npos);
  ir::Tensor infinite = three_rows();
  infinite.mutable_values<float>()[2] = std::numeric_limits<float>::infinity();
  CHECK(test::input_error_of([&] { calibrate(*g, {infinite}, {}); }).find("non-finite") != std::string::npos);
}
