// Shape inference of layout and indexing ops: Reshape, Flatten, Transpose, Squeeze/Unsqueeze, Slice,
// Split, Resize / Upsample, Gather, Concat, Pad, the Reduce family, Cast, Constant, Shape.
#include <catch2/catch.hpp>

#include <limits>

#include "ir/error.h"
#include "ir/onnx_dtype_codes.h"
#include "shape_test_graph.h"

using namespace tinyc;
using tinyc::ir::DType;
using tinyc::ir::Shape;
using tinyc::shape_test::out_dtype;
using tinyc::shape_test::Ints;
using tinyc::shape_test::shape_of;
using tinyc::shape_test::TestGraph;

TEST_CASE("shape: Reshape copies 0 dims and infers -1", "[shape]") {
  TestGraph t(13);
  auto* copy_infer = t.node("Reshape", {t.input({2, 3, 4}), t.ints({0, -1})});
  auto* middle = t.node("Reshape", {t.input({2, 3, 4}), t.ints({4, 0, -1})});
  t.infer();
  CHECK(shape_of(copy_infer) == Shape{2, 12});
  CHECK(shape_of(middle) == Shape{4, 3, 2});

  // allowzero=1 (opset 14) keeps a literal 0; without it the 0 copies dim 0 (3) and 15 != 0 elements.
  TestGraph zero(14);
  auto* literal = zero.node("Reshape", {zero.input({3, 0}), zero.ints({0, 5})}, {{"allowzero", int64_t{1}}});
  zero.infer();
  CHECK(shape_of(literal) == Shape{0, 5});
  TestGraph copied(14);
  copied.node("Reshape", {copied.input({3, 0}), copied.ints({0, 5})});
  CHECK_THROWS_WITH(copied.infer(), Catch::Contains("cannot reshape 3x0 (0 elements) to 3x5 (15 elements)"));

  TestGraph two(13);
  two.node("Reshape", {two.input({2, 3, 4}), two.ints({-1, -1})});
  CHECK_THROWS_WITH(two.infer(), Catch::Contains("more than one -1"));
  TestGraph matrix(13);
  ir::Value* row = matrix.g.add_constant("row", ir::Tensor::from_vector<int64_t>({1, 2}, {3, 2}));
  matrix.node("Reshape", {matrix.input({2, 3}), row});
  CHECK_THROWS_WITH(matrix.infer(), Catch::Contains("target shape must be 1-D, got 1x2"));
  TestGraph uneven(13);
  uneven.node("Reshape", {uneven.input({2, 3, 4}), uneven.ints({5, -1})});
  CHECK_THROWS_WITH(uneven.infer(), Catch::Contains("cannot infer the -1"));
}

TEST_CASE("shape: Flatten with axis 0, negative and rank", "[shape]") {
  TestGraph t(13);
  auto* axis0 = t.node("Flatten", {t.input({2, 3, 4})}, {{"axis", int64_t{0}}});
  auto* last = t.node("Flatten", {t.input({2, 3, 4})}, {{"axis", int64_t{-1}}});
  auto* rank = t.node("Flatten", {t.input({2, 3, 4})}, {{"axis", int64_t{3}}});
  auto* fallback = t.node("Flatten", {t.input({2, 3, 4})});
  t.infer();
  CHECK(shape_of(axis0) == Shape{1, 24});
  CHECK(shape_of(last) == Shape{6, 4});
  CHECK(shape_of(rank) == Shape{24, 1});
  CHECK(shape_of(fallback) == Shape{2, 12});

  TestGraph bad(13);
  bad.node("Flatten", {bad.input({2, 3, 4})}, {{"axis", int64_t{4}}});
  CHECK_THROWS_WITH(bad.infer(), Catch::Contains("axis 4 is out of range for rank 3"));
}

TEST_CASE("shape: Transpose reverses by default", "[shape]") {
  TestGraph t(13);
  auto* reversed = t.node("Transpose", {t.input({2, 3, 4})});
  auto* perm = t.node("Transpose", {t.input({2, 3, 4})}, {{"perm", Ints{0, 2, 1}}});
  t.infer();
  CHECK(shape_of(reversed) == Shape{4, 3, 2});
  CHECK(shape_of(perm) == Shape{2, 4, 3});

  TestGraph bad(13);
  bad.node("Transpose", {bad.input({2, 3, 4})}, {{"perm", Ints{0, 1, 1}}});
  CHECK_THROWS_WITH(bad.infer(), Catch::Contains("repeat an axis"));
}

TEST_CASE("shape: Squeeze and Unsqueeze take axes as attribute (opset 11) or input (opset 13)", "[shape]") {
  TestGraph old(11);
  auto* squeeze11 = old.node("Squeeze", {old.input({2, 1, 3, 1})}, {{"axes", Ints{1}}});
  auto* squeeze_all = old.node("Squeeze", {old.input({2, 1, 3, 1})});
  auto* unsqueeze11 = old.node("Unsqueeze", {old.input({3, 4})}, {{"axes", Ints{0, 3}}});
  old.infer();
  CHECK(shape_of(squeeze11) == Shape{2, 3, 1});
  CHECK(shape_of(squeeze_all) == Shape{2, 3});
  CHECK(shape_of(unsqueeze11) == Shape{1, 3, 4, 1});

  TestGraph t(13);
  auto* squeeze13 = t.node("Squeeze", {t.input({2, 1, 3, 1}), t.ints({-1})});
  auto* unsqueeze13 = t.node("Unsqueeze", {t.input({3, 4}), t.ints({-1, 1})});
  t.infer();
  CHECK(shape_of(squeeze13) == Shape{2, 1, 3});
  CHECK(shape_of(unsqueeze13) == Shape{3, 1, 4, 1});

  TestGraph not_one(13);
  not_one.node("Squeeze", {not_one.input({2, 1}), not_one.ints({0})});
  CHECK_THROWS_WITH(not_one.infer(), Catch::Contains("cannot squeeze axis 0 of 2x1"));
  TestGraph wrong_form(13);
  wrong_form.node("Unsqueeze", {wrong_form.input({3})}, {{"axes", Ints{0}}});
  CHECK_THROWS_WITH(wrong_form.infer(), Catch::Contains("axes is an input, not an attribute, since opset 13"));
}

TEST_CASE("shape: Split by sizes, into equal parts, and opset 18's num_outputs with a smaller last part", "[shape]") {
  TestGraph t(13);
  auto* sized = t.node("Split", {t.input({2, 7, 3}), t.ints({2, 0, 5})}, {{"axis", int64_t{-2}}}, 3);
  auto* equal = t.node("Split", {t.input({6, 4})}, {}, 2);
  t.infer();
  CHECK(shape_of(sized, 0) == Shape{2, 2, 3});
  CHECK(shape_of(sized, 1) == Shape{2, 0, 3});
  CHECK(shape_of(sized, 2) == Shape{2, 5, 3});
  CHECK(shape_of(equal, 1) == Shape{3, 4});

  TestGraph attribute(11);
  auto* old = attribute.node("Split", {attribute.input({1, 5})}, {{"axis", int64_t{1}}, {"split", Ints{4, 1}}}, 2);
  attribute.infer();
  CHECK(shape_of(old, 0) == Shape{1, 4});

  TestGraph ceil(18);
  auto* parts = ceil.node("Split", {ceil.input({7})}, {{"num_outputs", int64_t{3}}}, 3);
  ceil.infer();
  CHECK(shape_of(parts, 0) == Shape{3});
  CHECK(shape_of(parts, 2) == Shape{1});

  TestGraph uneven(13);
  uneven.node("Split", {uneven.input({7})}, {}, 2);
  CHECK_THROWS_WITH(uneven.infer(), Catch::Contains("does not split into 2 equal parts"));
  TestGraph wrong_sum(13);
  wrong_sum.node("Split", {wrong_sum.input({7}), wrong_sum.ints({3, 3})}, {}, 2);
  CHECK_THROWS_WITH(wrong_sum.infer(), Catch::Contains("adds up to 6, not the axis size 7"));
  TestGraph count(13);
  count.node("Split", {count.input({7}), count.ints({7})}, {}, 2);
  CHECK_THROWS_WITH(count.infer(), Catch::Contains("split has 1 entries for 2 outputs"));
}

TEST_CASE("shape: Resize by scales (rounded down) or sizes, Upsample, and the refused modes", "[shape]") {
  auto floats = [](TestGraph& t, const std::vector<float>& v) {
    return t.g.add_constant("scales" + std::to_string(t.g.node_count()),
                            ir::Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v));
  };
  TestGraph t(13);
  auto* scaled = t.node("Resize", {t.input({1, 2, 5, 5}), nullptr, floats(t, {1, 1, 0.6f, 2.5f})});
  auto* sized = t.node("Resize", {t.input({1, 2, 5, 5}), nullptr, nullptr, t.ints({1, 2, 3, 7})}, {{"mode", std::string("linear")}});
  t.infer();
  CHECK(shape_of(scaled) == Shape{1, 2, 3, 12});
  CHECK(shape_of(sized) == Shape{1, 2, 3, 7});

  TestGraph old(9);
  auto* upsample = old.node("Upsample", {old.input({1, 1, 2, 3}), floats(old, {1, 1, 2, 3})});
  old.infer();
  CHECK(shape_of(upsample) == Shape{1, 1, 4, 9});

  TestGraph cubic(13);
  cubic.node("Resize", {cubic.input({1, 1, 2, 2}), nullptr, floats(cubic, {1, 1, 2, 2})}, {{"mode", std::string("cubic")}});
  CHECK_THROWS_WITH(cubic.infer(), Catch::Contains("mode 'cubic' is not supported"));
  TestGraph both(13);
  both.node("Resize", {both.input({1, 1, 2, 2}), nullptr, floats(both, {1, 1, 2, 2}), both.ints({1, 1, 4, 4})});
  CHECK_THROWS_WITH(both.infer(), Catch::Contains("exactly one of scales and sizes"));
  TestGraph count(13);
  count.node("Resize", {count.input({1, 1, 2, 2}), nullptr, floats(count, {2, 2})});
  CHECK_THROWS_WITH(count.infer(), Catch::Contains("scales has 2 entries for a rank-4 input"));
}

TEST_CASE("shape: Slice clamps indices and walks negative steps", "[shape]") {
  const int64_t min = std::numeric_limits<int64_t>::min();
  TestGraph t(13);
  // Rows 8, 6, 4, 2 (stop before 1); columns 1..3 (1000 clamps to 4).
  auto* both = t.node("Slice", {t.input({10, 5}), t.ints({8, 1}), t.ints({1, 1000}), t.ints({0, -1}), t.ints({-2, 1})});
  // Full reversal: start -1 is the last row, end INT64_MIN clamps to "before the first".
  auto* reverse = t.node("Slice", {t.input({10, 5}), t.ints({-1}), t.ints({min}), t.ints({0}), t.ints({-1})});
  auto* empty = t.node("Slice", {t.input({10, 5}), t.ints({7}), t.ints({3}), t.ints({0})});
  t.infer();
  CHECK(shape_of(both) == Shape{4, 4});
  CHECK(shape_of(reverse) == Shape{10, 5});
  CHECK(shape_of(empty) == Shape{0, 5});

  TestGraph attrs(9);  // attributes before opset 10
  auto* old = attrs.node("Slice", {attrs.input({10, 5})}, {{"starts", Ints{2}}, {"ends", Ints{-2}}, {"axes", Ints{1}}});
  attrs.infer();
  CHECK(shape_of(old) == Shape{10, 1});

  TestGraph zero_step(13);
  zero_step.node("Slice", {zero_step.input({4}), zero_step.ints({0}), zero_step.ints({4}), zero_step.ints({0}),
                           zero_step.ints({0})});
  CHECK_THROWS_WITH(zero_step.infer(), Catch::Contains("steps must not be 0"));
}

TEST_CASE("shape: Gather joins data and index shapes", "[shape]") {
  TestGraph t(13);
  auto* gather = t.node("Gather", {t.input({5, 6, 7}), t.input({2, 3}, DType::Int64)}, {{"axis", int64_t{1}}});
  auto* scalar_index = t.node("Gather", {t.input({5, 6}), t.g.add_constant("i", ir::Tensor::scalar<int64_t>(-1))});
  t.infer();
  CHECK(shape_of(gather) == Shape{5, 2, 3, 7});
  CHECK(shape_of(scalar_index) == Shape{6});

  TestGraph bad(13);
  bad.node("Gather", {bad.input({5, 6}), bad.ints({5})});
  CHECK_THROWS_WITH(bad.infer(), Catch::Contains("index 5 is out of range for axis 0 of size 5"));
}

TEST_CASE("shape: Concat with a negative axis", "[shape]") {
  TestGraph t(13);
  auto* concat = t.node("Concat", {t.input({2, 3}), t.input({2, 5}), t.input({2, 1})}, {{"axis", int64_t{-1}}});
  t.infer();
  CHECK(shape_of(concat) == Shape{2, 9});

  TestGraph bad(13);
  bad.node("Concat", {bad.input({2, 3}), bad.input({3, 3})}, {{"axis", int64_t{1}}});
  CHECK_THROWS_WITH(bad.infer(), Catch::Contains("input shapes 2x3 and 3x3 differ outside axis 1"));
}

TEST_CASE("shape: Pad reads pads as attribute before opset 11, as input after, axes from opset 18", "[shape]") {
  TestGraph t(11);
  auto* pad = t.node("Pad", {t.input({1, 3, 4, 4}), t.ints({0, 0, 1, 2, 0, 0, 3, 4})});
  auto* crop = t.node("Pad", {t.input({1, 3, 4, 4}), t.ints({0, 0, -1, 0, 0, 0, -1, 0}), t.weights({})});
  t.infer();
  CHECK(shape_of(pad) == Shape{1, 3, 8, 10});
  CHECK(shape_of(crop) == Shape{1, 3, 2, 4});

  TestGraph old(2);
  auto* attr = old.node("Pad", {old.input({2, 2})}, {{"pads", Ints{1, 0, 1, 0}}});
  old.infer();
  CHECK(shape_of(attr) == Shape{4, 2});

  TestGraph axes(18);
  auto* partial = axes.node("Pad", {axes.input({1, 3, 4, 4}), axes.ints({1, 2, 3, 4}), nullptr, axes.ints({2, -1})});
  axes.infer();
  CHECK(shape_of(partial) == Shape{1, 3, 8, 10});

  TestGraph mode(11);
  mode.node("Pad", {mode.input({2, 2}), mode.ints({1, 1, 1, 1})}, {{"mode", std::string("mirror")}});
  CHECK_THROWS_WITH(mode.infer(), Catch::Contains("mode 'mirror' is not one of"));

  TestGraph runtime(11);
  runtime.node("Pad", {runtime.input({2, 2}), runtime.input({4}, DType::Int64)});
  CHECK_THROWS_WITH(runtime.infer(), Catch::Contains("pads 'v1' depends on runtime data"));
}

TEST_CASE("shape: ReduceMean keepdims, axes input and noop_with_empty_axes", "[shape]") {
  TestGraph t(13);
  auto* keep = t.node("ReduceMean", {t.input({2, 3, 4})}, {{"axes", Ints{1}}});
  auto* drop = t.node("ReduceMean", {t.input({2, 3, 4})}, {{"axes", Ints{1}}, {"keepdims", int64_t{0}}});
  auto* all = t.node("ReduceMean", {t.input({2, 3, 4})}, {{"keepdims", int64_t{0}}});
  auto* all_kept = t.node("ReduceMean", {t.input({2, 3, 4})});
  t.infer();
  CHECK(shape_of(keep) == Shape{2, 1, 4});
  CHECK(shape_of(drop) == Shape{2, 4});
  CHECK(shape_of(all) == Shape{});
  CHECK(shape_of(all_kept) == Shape{1, 1, 1});

  TestGraph v18(18);
  auto* input_axes = v18.node("ReduceMean", {v18.input({2, 3, 4}), v18.ints({-1})});
  auto* noop = v18.node("ReduceMean", {v18.input({2, 3, 4})}, {{"noop_with_empty_axes", int64_t{1}}});
  v18.infer();
  CHECK(shape_of(input_axes) == Shape{2, 3, 1});
  CHECK(shape_of(noop) == Shape{2, 3, 4});
}

TEST_CASE("shape: the Reduce family, ReduceSum takes axes as an input from opset 13, the others from 18", "[shape]") {
  const char* const others[] = {"ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                                "ReduceLogSumExp", "ReduceSumSquare"};
  for (const char* op : others) {
    INFO(op);
    TestGraph v13(13);
    const ir::Attributes drop_first_last{{"axes", Ints{0, -1}}, {"keepdims", int64_t{0}}};
    auto* attr = v13.node(op, {v13.input({2, 3, 4}, DType::Float64)}, drop_first_last);
    v13.infer();
    CHECK(shape_of(attr) == Shape{3});
    CHECK(out_dtype(attr) == DType::Float64);

    TestGraph v18(18);
    auto* input = v18.node(op, {v18.input({2, 3, 4}), v18.ints({1})});
    auto* noop = v18.node(op, {v18.input({2, 3, 4})}, {{"noop_with_empty_axes", int64_t{1}}});
    v18.infer();
    CHECK(shape_of(input) == Shape{2, 1, 4});
    CHECK(shape_of(noop) == Shape{2, 3, 4});

    TestGraph attr_at_18(18);
    attr_at_18.node(op, {attr_at_18.input({2, 3})}, {{"axes", Ints{0}}});
    CHECK_THROWS_WITH(attr_at_18.infer(), Catch::Contains("axes is an input, not an attribute, since opset 18"));
  }

  TestGraph v13(13);
  auto* input = v13.node("ReduceSum", {v13.input({2, 3, 4}), v13.ints({-2})}, {{"keepdims", int64_t{0}}});
  auto* noop = v13.node("ReduceSum", {v13.input({2, 3, 4})}, {{"noop_with_empty_axes", int64_t{1}}});
  auto* all = v13.node("ReduceSum", {v13.input({2, 3, 4})});
  v13.infer();
  CHECK(shape_of(input) == Shape{2, 4});
  CHECK(shape_of(noop) == Shape{2, 3, 4});
  CHECK(shape_of(all) == Shape{1, 1, 1});

  TestGraph v11(11);
  auto* attr = v11.node("ReduceSum", {v11.input({2, 3, 4})}, {{"axes", Ints{2}}});
  v11.infer();
  CHECK(shape_of(attr) == Shape{2, 3, 1});
  TestGraph input_at_11(11);
  input_at_11.node("ReduceSum", {input_at_11.input({2, 3}), input_at_11.ints({0})});
  CHECK_THROWS_WITH(input_at_11.infer(), Catch::Contains("axes is an attribute, not an input, before opset 13"));

  TestGraph repeated(13);
  repeated.node("ReduceMax", {repeated.input({2, 3})}, {{"axes", Ints{1, -1}}});
  CHECK_THROWS_WITH(repeated.infer(), Catch::Contains("axes [1,-1] repeat an axis"));
}

TEST_CASE("shape: Cast, Constant and Shape produce their own dtypes", "[shape]") {
  TestGraph t(15);
  auto* cast = t.node("Cast", {t.input({2, 3})}, {{"to", int64_t{7}}});
  auto* ints = t.node("Constant", {}, {{"value_ints", Ints{1, 2, 3}}});
  auto* scalar = t.node("Constant", {}, {{"value_float", 0.5f}});
  auto* tensor = t.node("Constant", {}, {{"value", ir::Tensor(DType::UInt8, {2, 2})}});
  auto* shape = t.node("Shape", {t.input({2, 3, 4, 5})});
  auto* middle = t.node("Shape", {t.input({2, 3, 4, 5})}, {{"start", int64_t{1}}, {"end", int64_t{-1}}});
  auto* clamped = t.node("Shape", {t.input({2, 3, 4, 5})}, {{"start", int64_t{-10}}, {"end", int64_t{10}}});
  t.infer();
  CHECK(out_dtype(cast) == DType::Int64);
  CHECK(shape_of(cast) == Shape{2, 3});
  CHECK(out_dtype(ints) == DType::Int64);
  CHECK(shape_of(ints) == Shape{3});
  CHECK(out_dtype(scalar) == DType::Float32);
  CHECK(shape_of(scalar) == Shape{});
  CHECK(out_dtype(tensor) == DType::UInt8);
  CHECK(shape_of(tensor) == Shape{2, 2});
  CHECK(out_dtype(shape) == DType::Int64);
  CHECK(shape_of(shape) == Shape{4});
  CHECK(shape_of(middle) == Shape{2});
  CHECK(shape_of(clamped) == Shape{4});

  TestGraph bad(13);
  bad.node("Cast", {bad.input({2})}, {{"to", int64_t{16}}});  // bfloat16
  CHECK_THROWS_WITH(bad.infer(), Catch::Contains("cannot cast to ONNX data type 16"));

  // Cast's `to` uses the ONNX element-type numbers of the IR's one table; each dtype round-trips.
  for (DType d : {DType::Float32, DType::Float64, DType::Float16, DType::Int8, DType::UInt8, DType::Int16,
                  DType::UInt16, DType::Int32, DType::UInt32, DType::Int64, DType::UInt64, DType::Bool}) {
    TestGraph each(13);
    auto* n = each.node("Cast", {each.input({2})}, {{"to", int64_t{ir::onnx_code_of(d)}}});
    each.infer();
    CHECK(out_dtype(n) == d);
  }
  CHECK(ir::onnx_code_of(DType::Float64) == 11);
  CHECK(ir::onnx_code_of(DType::Bool) == 9);
  CHECK(ir::onnx_code_of(DType::Undefined) == 0);
  CHECK_FALSE(ir::dtype_from_onnx_code(0));
}

TEST_CASE("shape: Pad whose pads overflow a dimension is refused, not wrapped", "[shape]") {
  const int64_t huge = std::numeric_limits<int64_t>::max();
  TestGraph t(13);
  t.node("Pad", {t.input({1, 4}), t.ints({0, huge, 0, huge})});
  CHECK_THROWS_WITH(t.infer(), Catch::Contains("larger than an int64 holds"));
}

TEST_CASE("shape: an output above the graph's tensor limit is refused before anything allocates it", "[shape]") {
  SECTION("a Pad with huge valid pads: 4 + 2^31 floats would be 8 GiB") {
    TestGraph t(13);
    t.node("Pad", {t.input({1, 4}), t.ints({0, int64_t{1} << 30, 0, int64_t{1} << 30})});
    CHECK_THROWS_WITH(t.infer(), Catch::Contains("output 'v2' would take 8.0 GiB (shape 1x2147483652)") &&
                                     Catch::Contains("above the limit of 2 GiB per tensor") &&
                                     Catch::Contains("--max-tensor-bytes"));
  }
  SECTION("the limit is the graph's own: lowered to 63 bytes, a 1x16 float Relu is refused, 1x15 passes") {
    TestGraph t(13);
    t.g.limits.max_tensor_bytes = 63;
    t.node("Relu", {t.input({1, 15})});
    t.infer();
    TestGraph big(13);
    big.g.limits.max_tensor_bytes = 63;
    big.node("Relu", {big.input({1, 16})});
    CHECK_THROWS_WITH(big.infer(), Catch::Contains("graph input 'v0' would take 64 bytes (shape 1x16)"));
  }
  SECTION("more nodes than the graph's node limit") {
    TestGraph t(13);
    t.g.limits.max_nodes = 2;
    ir::Value* x = t.input({1, 2});
    for (int i = 0; i < 3; ++i) x = t.node("Relu", {x})->output(0);
    CHECK_THROWS_WITH(t.infer(), Catch::Contains("the graph has 3 nodes, more than the 2 tinyc accepts"));
  }
}
