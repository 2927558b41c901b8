// The float simulation of a quantized graph: dequantized constants, QuantizeLinear rounding to the
// grid with clamping, names kept, and per-channel weights read along their axis.
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

TEST_CASE("the simulation dequantizes per-channel weights along their axis and int32 biases") {
  const ir::Tensor w = ir::Tensor::from_vector<int8_t>({2, 3}, {1, -2, 3, 4, 5, -6});
  const ir::Tensor rows = dequantize(w, ir::QuantParams{{0.5f, 0.25f}, {0, 0}, 0});
  CHECK(std::vector<float>(rows.values<float>().begin(), rows.values<float>().end()) ==
        std::vector<float>{0.5f, -1.0f, 1.5f, 1.0f, 1.25f, -1.5f});
  const ir::Tensor cols = dequantize(w, ir::QuantParams{{1.0f, 2.0f, 4.0f}, {0, 0, 0}, 1});
  CHECK(std::vector<float>(cols.values<float>().begin(), cols.values<float>().end()) ==
        std::vector<float>{1.0f, -4.0f, 12.0f, 4.0f, 10.0f, -24.0f});
  const ir::Tensor bias =
      dequantize(ir::Tensor::from_vector<int32_t>({2}, {100, -7}), ir::QuantParams{{0.01f, 2.0f}, {0, 0}, 0});
  CHECK(bias.values<float>()[0] == Approx(1.0f));
  CHECK(bias.values<float>()[1] == -14.0f);
}
