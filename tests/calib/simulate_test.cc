// The float simulation of a quantized graph: dequantized constants, QuantizeLinear rounding to the
// grid with clamping, and names kept (constants are read by ir::dequantize, tested on its own).
#include "calib/simulate.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "exec/executor.h"

using namespace tinyc;
using namespace tinyc::calib;

namespace {

std::vector<float> run(const ir::Graph& g, const ir::Tensor& x) {
  const std::vector<ir::Tensor> out = exec::Executor(g).run({x});
  const auto v = out.front().values<float>();
  return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("the simulation rounds a QuantizeLinear to its grid and clamps to int8") {
  ir::Graph g;
  g.opset_imports[""] = 13;
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 5});
  ir::Node* q = g.add_node("QuantizeLinear", {x}, {"xq"}, "q");
  q->output(0)->dtype = ir::DType::Int8;
  q->output(0)->shape = ir::Shape{1, 5};
  q->output(0)->quant = ir::QuantParams{{0.5f}, {-10}, 0};
  ir::Node* dq = g.add_node("DequantizeLinear", {q->output(0)}, {"y"}, "dq");
  dq->output(0)->dtype = ir::DType::Float32;
  dq->output(0)->shape = ir::Shape{1, 5};
  g.add_output(dq->output(0));
  const auto sim = simulate_in_float(g);
  REQUIRE(sim->find_value("xq"));
  CHECK(sim->find_value("xq")->dtype == ir::DType::Float32);
  // Grid: 0.5 * (q + 10) for q in [-128, 127], i.e. [-59, 68.5].
  const auto y = run(*sim, ir::Tensor::from_vector<float>({1, 5}, {0.26f, -0.74f, 100.0f, -100.0f, 3.0f}));
  CHECK(y == std::vector<float>{0.5f, -0.5f, 68.5f, -59.0f, 3.0f});
}

