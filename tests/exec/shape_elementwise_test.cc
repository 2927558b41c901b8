// Shape inference of broadcasting arithmetic (binary, legacy pre-opset-7, variadic), activations and
// unary math, MatMul/Gemm, BatchNormalization and Dropout.
#include <catch2/catch.hpp>

#include "ir/error.h"
#include "shape_test_graph.h"

using namespace tinyc;
using tinyc::ir::DType;
using tinyc::ir::Shape;
using tinyc::shape_test::out_dtype;
using tinyc::shape_test::Ints;
using tinyc::shape_test::shape_of;
using tinyc::shape_test::TestGraph;

TEST_CASE("shape: Add/Sub/Mul/Div broadcast multidirectionally", "[shape]") {
  TestGraph t(13);
  auto* add = t.node("Add", {t.input({3, 1}), t.input({1, 4})});
  auto* sub = t.node("Sub", {t.input({2, 3, 4}), t.input({4})});
  auto* mul = t.node("Mul", {t.input({5, 1, 1}), t.input({})});
  auto* div = t.node("Div", {t.input({1}), t.input({2, 1, 3})});
  t.infer();
  CHECK(shape_of(add) == Shape{3, 4});
  CHECK(shape_of(sub) == Shape{2, 3, 4});
  CHECK(shape_of(mul) == Shape{5, 1, 1});
  CHECK(shape_of(div) == Shape{2, 1, 3});

  TestGraph bad(13);
  bad.node("Add", {bad.input({2, 3}), bad.input({4, 3})})->name = "add";
  CHECK_THROWS_WITH(bad.infer(), "node 'add' (Add): shapes 2x3 and 4x3 do not broadcast");

  TestGraph types(13);
  types.node("Mul", {types.input({2}), types.input({2}, DType::Int64)});
  CHECK_THROWS_WITH(types.infer(), Catch::Contains("must have the same dtype"));
}

TEST_CASE("shape: before opset 7, broadcast=1 places B at `axis` of A", "[shape]") {
  TestGraph t(6);
  // B (3) at axis 1 of A (2x3x4) is 3x1 to numpy, which a right-aligned 3 would not fit.
  const ir::Attributes axis_1{{"broadcast", int64_t{1}}, {"axis", int64_t{1}}};
  auto* at_axis = t.node("Add", {t.input({2, 3, 4}), t.input({3})}, axis_1);
  auto* right = t.node("Mul", {t.input({2, 3, 4}), t.input({3, 4})}, {{"broadcast", int64_t{1}}});
  auto* negative =
      t.node("Div", {t.input({2, 3, 4}), t.input({3})}, {{"broadcast", int64_t{1}}, {"axis", int64_t{-2}}});
  t.infer();
  CHECK(shape_of(at_axis) == Shape{2, 3, 4});
  CHECK(shape_of(right) == Shape{2, 3, 4});
  CHECK(shape_of(negative) == Shape{2, 3, 4});

  // From opset 7 the attributes are gone and the same operands are numpy-broadcast.
  TestGraph v7(7);
  v7.node("Add", {v7.input({2, 3, 4}), v7.input({3})});
  CHECK_THROWS_WITH(v7.infer(), Catch::Contains("shapes 2x3x4 and 3 do not broadcast"));

  TestGraph overflow(6);
  overflow.node("Sub", {overflow.input({2, 3}), overflow.input({3, 4})}, axis_1);
  CHECK_THROWS_WITH(overflow.infer(), Catch::Contains("B of shape 3x4 does not fit into A of shape 2x3 at axis 1"));
}

TEST_CASE("shape: unary math keeps shape and dtype", "[shape]") {
  for (const char* op : {"Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Floor", "Ceil", "Erf"}) {
    TestGraph t(13);
    auto* n = t.node(op, {t.input({2, 1, 5}, DType::Float64)});
    t.infer();
    INFO(op);
    CHECK(shape_of(n) == Shape{2, 1, 5});
    CHECK(out_dtype(n) == DType::Float64);
  }
}

TEST_CASE("shape: Max, Min, Sum and Mean broadcast over all their inputs", "[shape]") {
  TestGraph t(13);
  auto* three = t.node("Max", {t.input({2, 1, 4}), t.input({3, 1}), t.input({4})});
  auto* one = t.node("Sum", {t.input({5, 6})});
  auto* two = t.node("Mean", {t.input({1, 6}), t.input({5, 1})});
  auto* ints = t.node("Min", {t.input({3}, DType::Int32), t.input({1}, DType::Int32)});
  t.infer();
  CHECK(shape_of(three) == Shape{2, 3, 4});
  CHECK(shape_of(one) == Shape{5, 6});
  CHECK(shape_of(two) == Shape{5, 6});
  CHECK(shape_of(ints) == Shape{3});
  CHECK(out_dtype(ints) == DType::Int32);

  TestGraph bad(13);
  bad.node("Min", {bad.input({2, 3}), bad.input({2, 1}), bad.input({4})})->name = "min";
  CHECK_THROWS_WITH(bad.infer(), "node 'min' (Min): input shape 4 does not broadcast with 2x3");

  TestGraph types(13);
  types.node("Sum", {types.input({2}), types.input({2}, DType::Float64)});
  CHECK_THROWS_WITH(types.infer(), Catch::Contains("must have the same dtype"));
}

TEST_CASE("shape: Activations keep shape and dtype", "[shape]") {
  for (const char* op : {"Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Identity", "Clip"}) {
    TestGraph t(13);
    auto* n = t.node(op, {t.input({2, 3, 5}, DType::Float32)});
    t.infer();
    INFO(op);
    CHECK(shape_of(n) == Shape{2, 3, 5});
    CHECK(out_dtype(n) == DType::Float32);
  }
  TestGraph clip(13);
  auto* n = clip.node("Clip", {clip.input({4, 4}), clip.weights({}), clip.weights({})});
  clip.infer();
  CHECK(shape_of(n) == Shape{4, 4});
}

TEST_CASE("shape: Softmax and LogSoftmax check the axis for the opset", "[shape]") {
  TestGraph t(13);
  auto* soft = t.node("Softmax", {t.input({2, 10})});
  auto* log_soft = t.node("LogSoftmax", {t.input({2, 10})}, {{"axis", int64_t{-2}}});
  t.infer();
  CHECK(shape_of(soft) == Shape{2, 10});
  CHECK(shape_of(log_soft) == Shape{2, 10});

  TestGraph bad(13);
  bad.node("Softmax", {bad.input({2, 10})}, {{"axis", int64_t{2}}});
  CHECK_THROWS_WITH(bad.infer(), Catch::Contains("axis 2 is out of range for rank 2"));

  // Before opset 13 the default axis is 1, which a rank-1 input does not have.
  TestGraph old(11);
  old.node("Softmax", {old.input({10})});
  CHECK_THROWS_AS(old.infer(), InputError);
}

TEST_CASE("shape: PRelu slope broadcasts to the input", "[shape]") {
  TestGraph t(13);
  auto* per_channel = t.node("PRelu", {t.input({1, 3, 4, 4}), t.weights({3, 1, 1})});
  auto* last = t.node("PRelu", {t.input({3, 4, 5}), t.weights({5})});
  t.infer();
  CHECK(shape_of(per_channel) == Shape{1, 3, 4, 4});
  CHECK(shape_of(last) == Shape{3, 4, 5});

  TestGraph bad(13);
  bad.node("PRelu", {bad.input({1, 3, 4, 5}), bad.weights({4})});
  CHECK_THROWS_WITH(bad.infer(), Catch::Contains("slope shape 4 does not broadcast to input shape 1x3x4x5"));

  // Before opset 7 a slope vector of C entries is per channel (dim 1), whatever the last dim is.
  TestGraph old(6);
  auto* channels = old.node("PRelu", {old.input({2, 3, 5}), old.weights({3})});
  auto* flat = old.node("PRelu", {old.input({4, 3}), old.weights({3})});
  old.infer();
  CHECK(shape_of(channels) == Shape{2, 3, 5});
  CHECK(shape_of(flat) == Shape{4, 3});
  TestGraph v7(7);
  v7.node("PRelu", {v7.input({2, 3, 5}), v7.weights({3})});
  CHECK_THROWS_WITH(v7.infer(), Catch::Contains("slope shape 3 does not broadcast to input shape 2x3x5"));
}

TEST_CASE("shape: MatMul broadcasts batch dims and promotes 1-D operands", "[shape]") {
  TestGraph t(13);
  auto* batched = t.node("MatMul", {t.input({2, 1, 3, 4}), t.input({5, 4, 6})});
  auto* row = t.node("MatMul", {t.input({4}), t.input({4, 6})});
  auto* column = t.node("MatMul", {t.input({2, 3, 4}), t.input({4})});
  auto* dot = t.node("MatMul", {t.input({4}), t.input({4})});
  t.infer();
  CHECK(shape_of(batched) == Shape{2, 5, 3, 6});
  CHECK(shape_of(row) == Shape{6});
  CHECK(shape_of(column) == Shape{2, 3});
  CHECK(shape_of(dot) == Shape{});

  TestGraph inner(13);
  inner.node("MatMul", {inner.input({3, 4}), inner.input({5, 6})});
  CHECK_THROWS_WITH(inner.infer(), Catch::Contains("inner dims differ: 3x4 x 5x6"));
  TestGraph batch(13);
  batch.node("MatMul", {batch.input({2, 3, 4}), batch.input({3, 4, 5})});
  CHECK_THROWS_WITH(batch.infer(), Catch::Contains("batch dims of 2x3x4 and 3x4x5 do not broadcast"));
}

TEST_CASE("shape: Gemm honours transA/transB and checks C", "[shape]") {
  TestGraph t(13);
  auto* trans_b = t.node("Gemm", {t.input({4, 3}), t.weights({5, 3}), t.weights({5})}, {{"transB", int64_t{1}}});
  auto* trans_a = t.node("Gemm", {t.input({3, 4}), t.weights({3, 5})}, {{"transA", int64_t{1}}});
  t.infer();
  CHECK(shape_of(trans_b) == Shape{4, 5});
  CHECK(shape_of(trans_a) == Shape{4, 5});

  TestGraph bad_c(13);
  bad_c.node("Gemm", {bad_c.input({4, 3}), bad_c.weights({5, 3}), bad_c.weights({4})}, {{"transB", int64_t{1}}});
  CHECK_THROWS_WITH(bad_c.infer(), Catch::Contains("C shape 4 does not broadcast to 4x5"));
  TestGraph bad_k(13);
  bad_k.node("Gemm", {bad_k.input({4, 3}), bad_k.weights({5, 3})});
  CHECK_THROWS_WITH(bad_k.infer(), Catch::Contains("inner dims differ"));
}

TEST_CASE("shape: BatchNormalization checks per-channel parameters", "[shape]") {
  TestGraph t(15);
  auto* bn = t.node("BatchNormalization",
                    {t.input({2, 3, 4, 4}), t.weights({3}), t.weights({3}), t.weights({3}), t.weights({3})}, {}, 3);
  t.infer();
  CHECK(shape_of(bn) == Shape{2, 3, 4, 4});
  CHECK(shape_of(bn, 1) == Shape{3});
  CHECK(shape_of(bn, 2) == Shape{3});

  TestGraph bad(15);
  bad.node("BatchNormalization",
           {bad.input({2, 3, 4, 4}), bad.weights({3}), bad.weights({4}), bad.weights({3}), bad.weights({3})});
  CHECK_THROWS_WITH(bad.infer(), Catch::Contains("B has shape 4, expected 3"));
}

TEST_CASE("shape: Dropout mask is bool from opset 10", "[shape]") {
  TestGraph t(13);
  auto* drop = t.node("Dropout", {t.input({2, 8})}, {}, 2);
  t.infer();
  CHECK(shape_of(drop) == Shape{2, 8});
  CHECK(out_dtype(drop) == DType::Float32);
  CHECK(shape_of(drop, 1) == Shape{2, 8});
  CHECK(out_dtype(drop, 1) == DType::Bool);

  TestGraph old(7);
  auto* old_drop = old.node("Dropout", {old.input({2, 8})}, {}, 2);
  old.infer();
  CHECK(out_dtype(old_drop, 1) == DType::Float32);
}
