// The shape-inference driver: the supported-op registry, unsupported-op reports, propagation of
// shape data (computed by the float kernels) through Shape/Gather/Slice/Concat/arithmetic into
// Reshape, and runtime-shape errors.
#include <catch2/catch.hpp>

#include <algorithm>

#include "exec/kernels/registry.h"
#include "ir/error.h"
#include "shape_test_graph.h"

using namespace tinyc;
using tinyc::ir::DType;
using tinyc::ir::Shape;
using tinyc::shape_test::Ints;
using tinyc::shape_test::shape_of;
using tinyc::shape_test::TestGraph;

TEST_CASE("shape: supported_ops is sorted and matches is_supported_op", "[shape]") {
  const auto& ops = exec::supported_ops();
  CHECK(ops.size() == 70);
  // Every op shape inference accepts has a float kernel and the other way round: they are one op set.
  CHECK(ops == exec::kernels::kernel_op_types());
  CHECK(std::is_sorted(ops.begin(), ops.end()));
  for (const char* op : {"Conv", "ConvTranspose", "Gemm", "MatMul", "Reshape", "Slice", "Cast", "Dropout"})
    CHECK(std::find(ops.begin(), ops.end(), op) != ops.end());
  CHECK(exec::is_supported_op("", "Conv"));
  CHECK(exec::is_supported_op("ai.onnx", "Relu"));
  CHECK_FALSE(exec::is_supported_op("com.microsoft", "Conv"));
  CHECK_FALSE(exec::is_supported_op("", "Loop"));
}

TEST_CASE("shape: check_supported lists every unsupported op type once, sorted", "[shape]") {
  TestGraph t(13);
  ir::Value* x = t.input({1, 4});
  t.node("Relu", {x});
  t.node("NonMaxSuppression", {x})->name = "nms";
  t.node("Loop", {x})->name = "loop_0";
  t.node("Loop", {x})->name = "loop_1";
  CHECK_THROWS_WITH(exec::check_supported(t.g),
                    "unsupported ops: Loop (node loop_0), NonMaxSuppression (node nms); "
                    "run `tinyc ops` for the list of supported ops");
  // infer_shapes refuses the same graph before touching it.
  CHECK_THROWS_WITH(t.infer(), Catch::StartsWith("unsupported ops: Loop (node loop_0)"));

  TestGraph domain(13);
  ir::Node* fused = domain.node("Conv", {domain.input({1, 4})});
  fused->domain = "com.microsoft";
  fused->name = "fused";
  CHECK_THROWS_WITH(exec::check_supported(domain.g),
                    Catch::StartsWith("unsupported ops: com.microsoft.Conv (node fused)"));

  TestGraph fine(13);
  fine.node("Relu", {fine.input({1, 4})});
  CHECK_NOTHROW(exec::check_supported(fine.g));
}

TEST_CASE("shape: Reshape(x, Concat(Gather(Shape(x), 0), [-1])) gets a static shape", "[shape]") {
  TestGraph t(13);
  ir::Value* x = t.input({2, 3, 4, 5});
  auto* shape = t.node("Shape", {x});
  auto* batch = t.node("Gather", {shape->output(0), t.g.add_constant("zero", ir::Tensor::scalar<int64_t>(0))});
  auto* batch_1d = t.node("Unsqueeze", {batch->output(0), t.ints({0})});
  auto* target = t.node("Concat", {batch_1d->output(0), t.ints({-1})}, {{"axis", int64_t{0}}});
  auto* reshape = t.node("Reshape", {x, target->output(0)});
  const size_t nodes = t.g.node_count();
  const size_t values = t.g.values().size();
  t.infer();
  CHECK(shape_of(batch) == Shape{});
  CHECK(shape_of(target) == Shape{2});
  CHECK(shape_of(reshape) == Shape{2, 60});
  // Inference only types outputs; it adds and removes nothing.
  CHECK(t.g.node_count() == nodes);
  CHECK(t.g.values().size() == values);
  CHECK_FALSE(target->output(0)->is_constant());
}

TEST_CASE("shape: known data flows through Slice, arithmetic, Cast and Squeeze", "[shape]") {
  TestGraph t(13);
  ir::Value* x = t.input({2, 3, 4, 5});
  ir::Value* shape = t.node("Shape", {x})->output(0);
  // dims 1 and 2 multiplied: [3, 4] -> Slice steps -1 gives [4, 3]; 4 * 3 = 12 via Mul of two Gathers.
  auto* middle = t.node("Slice", {shape, t.ints({2}), t.ints({0}), t.ints({0}), t.ints({-1})});
  ir::Value* first = t.node("Gather", {middle->output(0), t.ints({0})})->output(0);
  ir::Value* second = t.node("Gather", {middle->output(0), t.ints({1})})->output(0);
  ir::Value* product = t.node("Mul", {first, second})->output(0);
  ir::Value* as_int32 = t.node("Cast", {product}, {{"to", int64_t{6}}})->output(0);
  ir::Value* back = t.node("Cast", {as_int32}, {{"to", int64_t{7}}})->output(0);
  ir::Value* last = t.node("Slice", {shape, t.ints({-1}), t.ints({4})})->output(0);
  ir::Value* sum = t.node("Add", {t.node("Sub", {last, t.ints({1})})->output(0), t.ints({1})})->output(0);
  ir::Value* halves = t.node("Div", {t.ints({4}), t.ints({2})})->output(0);
  auto* target = t.node("Concat", {t.ints({1}), back, sum, halves}, {{"axis", int64_t{0}}});
  auto* reshape = t.node("Reshape", {x, t.node("Identity", {target->output(0)})->output(0)});
  ir::Value* wrapped = t.node("Unsqueeze", {t.ints({-1}), t.ints({0})})->output(0);  // [[-1]]
  auto* reshape2 = t.node("Reshape", {reshape->output(0), t.node("Squeeze", {wrapped, t.ints({0})})->output(0)});
  t.infer();
  CHECK(shape_of(middle) == Shape{2});
  CHECK(shape_of(reshape) == Shape{1, 12, 5, 2});
  CHECK(shape_of(reshape2) == Shape{120});
}

TEST_CASE("shape: a Reshape target computed from runtime data is an error naming the node", "[shape]") {
  TestGraph t(13);
  ir::Value* x = t.input({2, 6});
  ir::Value* runtime = t.input({2}, DType::Int64);
  t.node("Reshape", {x, t.node("Relu", {runtime})->output(0)})->name = "r";
  CHECK_THROWS_WITH(t.infer(), Catch::StartsWith("node 'r' (Reshape): target shape '") &&
                                   Catch::Contains("depends on runtime data; tinyc needs static shapes"));
}

TEST_CASE("shape: a graph input without a shape is reported at its first consumer", "[shape]") {
  TestGraph t(13);
  ir::Value* x = t.input({1, 4});
  x->shape.reset();
  t.node("Relu", {x})->name = "act";
  CHECK_THROWS_WITH(t.infer(), Catch::StartsWith("node 'act' (Relu): input 'v0' has no known shape"));
}

TEST_CASE("shape: graphs without an opset import get the newest semantics", "[shape]") {
  TestGraph t(13);
  t.g.opset_imports.clear();
  // Opset >= 13: axes come as an input.
  auto* squeeze = t.node("Squeeze", {t.input({1, 3}), t.ints({0})});
  t.infer();
  CHECK(shape_of(squeeze) == Shape{3});
}

TEST_CASE("shape: shape data follows the float kernels: division by zero fails, overflow wraps", "[shape]") {
  TestGraph zero(13);
  zero.node("Div", {zero.ints({4}), zero.ints({0})})->name = "div";
  CHECK_THROWS_WITH(zero.infer(), Catch::StartsWith("node 'div' (Div): integer division by zero"));

  // int64 arithmetic wraps like numpy (and ONNX Runtime): 2^62 * 4 + 6 is 6 modulo 2^64.
  TestGraph big(13);
  ir::Value* wrapped = big.node("Mul", {big.ints({int64_t{1} << 62}), big.ints({4})})->output(0);
  auto* reshape = big.node("Reshape", {big.input({2, 3}), big.node("Add", {wrapped, big.ints({6})})->output(0)});
  big.infer();
  CHECK(shape_of(reshape) == Shape{6});

  // Float arithmetic carries no known data, so nothing is evaluated.
  TestGraph floats(13);
  auto* f = floats.node("Div", {floats.weights({2}), floats.weights({2})});
  floats.infer();
  CHECK(shape_of(f) == Shape{2});
}

TEST_CASE("shape: constants of any dtype feed shape data, results above the size limit do not", "[shape]") {
  TestGraph t(13);
  // A float constant cast to int64 is a Reshape target (float to int truncates: 2.9 -> 2).
  ir::Value* dims = t.g.add_constant("dims", ir::Tensor::from_vector<float>({2}, {2.9f, 6.0f}));
  auto* target = t.node("Cast", {dims}, {{"to", int64_t{7}}});
  auto* reshape = t.node("Reshape", {t.input({3, 4}), target->output(0)});
  // Max of shape data picks the larger dim per entry: max([3, 4], [4, 1]) = [4, 4] -> 16 elements.
  ir::Value* x = t.input({4, 4});
  auto* larger = t.node("Max", {t.node("Shape", {t.input({3, 4})})->output(0), t.ints({4, 1})});
  auto* square = t.node("Reshape", {x, larger->output(0)});
  t.infer();
  CHECK(shape_of(reshape) == Shape{2, 6});
  CHECK(shape_of(square) == Shape{4, 4});

  // A small slice of a large constant is known (all zeros: Reshape copies both dims)...
  TestGraph slice(13);
  ir::Value* zeros = slice.g.add_constant("zeros", ir::Tensor(DType::Int64, {5000}));
  ir::Value* head = slice.node("Slice", {zeros, slice.ints({0}), slice.ints({2})})->output(0);
  auto* copied = slice.node("Reshape", {slice.input({2, 3}), head});
  slice.infer();
  CHECK(shape_of(copied) == Shape{2, 3});

  // ... but a result of 10000 int64 elements exceeds the known-data limit.
  TestGraph large(13);
  ir::Value* many = large.g.add_constant("many", ir::Tensor(DType::Int64, {5000}));
  ir::Value* doubled = large.node("Concat", {many, many}, {{"axis", int64_t{0}}})->output(0);
  large.node("Reshape", {large.input({2, 3}), doubled})->name = "r";
  CHECK_THROWS_WITH(large.infer(), Catch::StartsWith("node 'r' (Reshape): target shape '") &&
                                       Catch::Contains("depends on runtime data"));
}

TEST_CASE("shape inference refuses a node with more outputs than its op defines", "[shape]") {
  ir::Graph g;
  g.opset_imports[""] = 13;
  ir::Value* x = g.add_input("x", ir::DType::Float32, {2, 3});
  g.add_output(g.add_node("Mul", {x, x}, {"z", "extra"}, "mul")->output(0));
  CHECK_THROWS_WITH(exec::infer_shapes(g), Catch::Contains("output 2 ('extra') is not one Mul computes"));
}
