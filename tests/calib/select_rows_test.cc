// Calibration-row selection on a tiny classifier whose penultimate activations are its inputs
// after a Relu: class shares, the first row nearest the class mean, farthest-point order after it,
// no balancing when there are more classes than rows, and the pool bounds.
#include "calib/select_rows.h"

#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "ir/error.h"

using namespace tinyc;
using namespace tinyc::calib;

namespace {

// x[1,2] -> Relu -> h -> Gemm -> y[1,3] = (h0, h1, 0): class 0 when h0 > h1, class 1 when h1 > h0.
std::unique_ptr<ir::Graph> two_class_graph() {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2});
  ir::Value* h = g->add_node("Relu", {x}, {"h"}, "relu")->output(0);
  ir::Value* w = g->add_constant("w", ir::Tensor::from_vector<float>({2, 3}, {1, 0, 0, 0, 1, 0}));
  g->add_output(g->add_node("Gemm", {h, w}, {"y"}, "fc")->output(0));
  exec::infer_shapes(*g);
  return g;
}

// Rows 0-3 are class 0, rows 4-6 class 1.
ir::Tensor pool() {
  return ir::Tensor::from_vector<float>({7, 2}, {1, 0, 2, 0.5f, 3, 1, 10, 0,  //
                                                 0, 1, 0.5f, 2, 0, 7});
}

}  // namespace

TEST_CASE("select_rows balances predicted classes and covers each from its mean outwards") {
  const auto g = two_class_graph();
  // Class 0: mean (4, 0.375), nearest row 2 (3, 1), farthest from it row 3 (10, 0).
  // Class 1: mean (1/6, 10/3), nearest row 5 (0.5, 2), farthest from it row 6 (0, 7).
  const RowSelection s = select_rows(*g, pool(), 4, {});
  CHECK(s.rows == std::vector<int64_t>{2, 3, 5, 6});
  CHECK(s.pool_rows == 7);
  CHECK(s.feature == "h");
  CHECK(s.classes == 2);
  // An odd count: the extra row goes to the larger class (4 rows against 3).
  CHECK(select_rows(*g, pool(), 5, {}).rows == std::vector<int64_t>{0, 2, 3, 5, 6});
  // Every row of the pool.
  CHECK(select_rows(*g, pool(), 7, {}).rows == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6});
}

TEST_CASE("select_rows does not balance when the output has more classes than rows to choose") {
  const auto g = two_class_graph();
  // Three scores per row, two rows: one group. Mean (16.5/7, 11.5/7): nearest row 2 (3, 1); farthest
  // from it row 3 (10, 0) at 50, ahead of row 6 (0, 7) at 45.
  const RowSelection s = select_rows(*g, pool(), 2, {});
  CHECK(s.rows == std::vector<int64_t>{2, 3});
  CHECK(s.classes == 0);
}

TEST_CASE("select_rows gives the same rows on one thread and on two") {
  const auto g = two_class_graph();
  CHECK(select_rows(*g, pool(), 3, {.threads = 1, .rows_per_chunk = 1}).rows ==
        select_rows(*g, pool(), 3, {.threads = 2, .rows_per_chunk = 2}).rows);
}

TEST_CASE("select_rows refuses a count outside 1 to the pool's rows") {
  const auto g = two_class_graph();
  CHECK_THROWS_WITH(select_rows(*g, pool(), 8, {}),
                    "--calib-select 8: the calibration pool holds 7 rows; choose between 1 and 7");
  CHECK_THROWS_AS(select_rows(*g, pool(), 0, {}), InputError);
}

TEST_CASE("take_rows stacks the chosen rows in the given order") {
  const ir::Tensor t = take_rows(pool(), {6, 0});
  CHECK(t.shape() == ir::Shape{2, 2});
  const auto v = t.values<float>();
  CHECK(std::vector<float>(v.begin(), v.end()) == std::vector<float>{0, 7, 1, 0});
}
