// Data-movement and shape kernels: Flatten, Reshape, Transpose, Concat, Squeeze, Unsqueeze, Pad,
// Identity, Dropout, Constant, Shape, Gather, Slice, Cast, and int64 shape computations.
#include <catch2/catch.hpp>

#include <limits>

#include "exec/evaluate.h"
#include "exec_test_util.h"
#include "ir/error.h"

using namespace tinyc;
using namespace tinyc::exec_test;

namespace {

ir::Tensor ramp(const ir::Shape& shape) {
  Floats v;
  for (int64_t i = 0; i < ir::num_elements(shape); ++i) v.push_back(float(i));
  return floats(shape, v);
}

ir::Tensor i64(const ir::Shape& shape, const Ints& v) { return ir::Tensor::from_vector<int64_t>(shape, v); }

}  // namespace

TEST_CASE("reshaping ops keep the elements in order", "[exec][kernels][tensor]") {
  const ir::Tensor x = ramp({2, 3, 4});
  for (const auto& [op, args, attrs, shape] :
       std::vector<std::tuple<std::string, std::vector<Arg>, ir::Attributes, ir::Shape>>{
           {"Flatten", {in(x)}, {{"axis", int64_t{2}}}, {6, 4}},
           {"Flatten", {in(x)}, {{"axis", int64_t{0}}}, {1, 24}},
           {"Reshape", {in(x), constant(ints({0, -1, 2}))}, {}, {2, 6, 2}},
           {"Identity", {in(x)}, {}, {2, 3, 4}},
           {"Unsqueeze", {in(x), constant(ints({0, -1}))}, {}, {1, 2, 3, 4, 1}},
       }) {
    DYNAMIC_SECTION(op << " " << ir::shape_to_string(shape)) {
      const ir::Tensor y = run1(op, args, attrs);
      CHECK(y.shape() == shape);
      CHECK(values(y) == values(x));
    }
  }
  const ir::Tensor z = ramp({1, 3, 1, 2});
  CHECK(run1("Squeeze", {in(z), constant(ints({0, 2}))}).shape() == ir::Shape{3, 2});
  CHECK(run1("Squeeze", {in(z)}).shape() == ir::Shape{3, 2});
  CHECK(run1("Squeeze", {in(z)}, {{"axes", Ints{2}}}, 11).shape() == ir::Shape{1, 3, 2});
  CHECK(run1("Unsqueeze", {in(z)}, {{"axes", Ints{1}}}, 11).shape() == ir::Shape{1, 1, 3, 1, 2});
}

TEST_CASE("Transpose moves element (i, j, k) to the permuted position", "[exec][kernels][tensor]") {
  const ir::Tensor x = random_tensor({2, 3, 4}, 3);
  const ir::Tensor y = run1("Transpose", {in(x)}, {{"perm", Ints{2, 0, 1}}});
  REQUIRE(y.shape() == ir::Shape{4, 2, 3});
  const auto X = x.values<float>(), Y = y.values<float>();
  bool same = true;
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k) same = same && Y[(k * 2 + i) * 3 + j] == X[(i * 3 + j) * 4 + k];
  CHECK(same);
  CHECK(values(run1("Transpose", {in(floats({2, 3}, {1, 2, 3, 4, 5, 6}))})) == Floats{1, 4, 2, 5, 3, 6});
}

TEST_CASE("Concat joins along the axis", "[exec][kernels][tensor]") {
  const ir::Tensor a = floats({2, 1}, {1, 2}), b = floats({2, 2}, {3, 4, 5, 6});
  CHECK(values(run1("Concat", {in(a), in(b)}, {{"axis", int64_t{1}}})) == Floats{1, 3, 4, 2, 5, 6});
  CHECK(values(run1("Concat", {in(b), in(floats({1, 2}, {7, 8}))}, {{"axis", int64_t{-2}}})) ==
        Floats{3, 4, 5, 6, 7, 8});
  CHECK(run1("Concat", {in(i64({2}, {1, 2})), in(i64({0}, {})), in(i64({1}, {3}))}, {{"axis", int64_t{0}}}) ==
        i64({3}, {1, 2, 3}));
}

TEST_CASE("Pad: constant, reflect and edge modes, negative pads crop", "[exec][kernels][tensor]") {
  const ir::Tensor x = floats({3}, {1, 2, 3});
  const ir::Tensor pads = ints({2, 2});
  const ir::Tensor nine = ir::Tensor::scalar(9.0f);
  CHECK(values(run1("Pad", {in(x), constant(pads), constant(nine)})) == Floats{9, 9, 1, 2, 3, 9, 9});
  CHECK(values(run1("Pad", {in(x), constant(pads)})) == Floats{0, 0, 1, 2, 3, 0, 0});
  CHECK(values(run1("Pad", {in(x), constant(pads)}, {{"mode", std::string("reflect")}})) ==
        Floats{3, 2, 1, 2, 3, 2, 1});
  CHECK(values(run1("Pad", {in(x), constant(pads)}, {{"mode", std::string("edge")}})) == Floats{1, 1, 1, 2, 3, 3, 3});
  CHECK(values(run1("Pad", {in(x), constant(ints({-1, 1}))})) == Floats{2, 3, 0});
  // 2-D: one row on top, one column on the right; attribute form before opset 11.
  const ir::Tensor m = floats({2, 2}, {1, 2, 3, 4});
  CHECK(values(run1("Pad", {in(m)}, {{"pads", Ints{1, 0, 0, 1}}, {"value", 5.0f}}, 10)) ==
        Floats{5, 5, 5, 1, 2, 5, 3, 4, 5});
  CHECK(values(run1("Pad", {in(m), constant(ints({1, 1, 1, 1}))}, {{"mode", std::string("edge")}})) ==
        Floats{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  CHECK_THROWS_AS(run1("Pad", {in(x), constant(pads)}, {{"mode", std::string("wrap")}}), InputError);
}

TEST_CASE("Slice: negative indices, clamping, steps and axes", "[exec][kernels][tensor]") {
  const ir::Tensor x = ramp({10});
  const auto slice = [&](Ints starts, Ints ends, Ints axes, Ints steps) {
    return values(run1("Slice", {in(x), constant(ints(starts)), constant(ints(ends)), constant(ints(axes)),
                                 constant(ints(steps))}));
  };
  CHECK(slice({2}, {5}, {0}, {1}) == Floats{2, 3, 4});
  CHECK(slice({-3}, {1000}, {0}, {1}) == Floats{7, 8, 9});
  CHECK(slice({1}, {8}, {0}, {3}) == Floats{1, 4, 7});
  CHECK(slice({-1}, {std::numeric_limits<int64_t>::min()}, {0}, {-4}) == Floats{9, 5, 1});
  CHECK(slice({20}, {-20}, {0}, {-1}).size() == 10);
  CHECK(slice({5}, {2}, {0}, {1}).empty());
  const ir::Tensor m = ramp({3, 4});
  CHECK(values(run1("Slice", {in(m), constant(ints({1, 1})), constant(ints({3, 3}))})) == Floats{5, 6, 9, 10});
  CHECK(values(run1("Slice", {in(m)}, {{"starts", Ints{1}}, {"ends", Ints{2}}, {"axes", Ints{1}}}, 9)) ==
        Floats{1, 5, 9});
}

TEST_CASE("Gather picks slices along the axis", "[exec][kernels][tensor]") {
  const ir::Tensor data = ramp({3, 2});
  CHECK(values(run1("Gather", {in(data), constant(i64({2}, {2, -3}))})) == Floats{4, 5, 0, 1});
  const ir::Tensor y = run1("Gather", {in(data), constant(i64({2, 2}, {1, 0, 0, 1}))}, {{"axis", int64_t{1}}});
  CHECK(y.shape() == ir::Shape{3, 2, 2});
  CHECK(values(y) == Floats{1, 0, 0, 1, 3, 2, 2, 3, 5, 4, 4, 5});
  const ir::Tensor scalar = run1("Gather", {in(data), constant(ir::Tensor::scalar<int32_t>(1))});
  CHECK(scalar.shape() == ir::Shape{2});
  CHECK(values(scalar) == Floats{2, 3});
  // Indices fed at run time are checked at run time.
  CHECK_THROWS_AS(run1("Gather", {in(data), in(i64({1}, {3}))}), InputError);
}

TEST_CASE("Cast truncates, saturates and converts through float16", "[exec][kernels][tensor]") {
  const ir::Tensor x = floats({5}, {-2.7f, 0.5f, 3e9f, std::numeric_limits<float>::quiet_NaN(), 1.0f});
  CHECK(run1("Cast", {in(x)}, {{"to", int64_t{6}}}) ==  // INT32
        ir::Tensor::from_vector<int32_t>({5}, {-2, 0, std::numeric_limits<int32_t>::max(), 0, 1}));
  const ir::Tensor b = run1("Cast", {in(x)}, {{"to", int64_t{9}}});  // BOOL
  CHECK(b.values<bool>()[1]);
  CHECK(b.values<bool>()[3]);  // NaN != 0
  const ir::Tensor h = run1("Cast", {in(floats({3}, {1.0f, 0.1f, 65504.0f}))}, {{"to", int64_t{10}}});  // FLOAT16
  CHECK(h.dtype() == ir::DType::Float16);
  const ir::Tensor back = run1("Cast", {in(h)}, {{"to", int64_t{1}}});
  CHECK(values(back) == Floats{1.0f, 0.0999755859375f, 65504.0f});
  CHECK(values(run1("Cast", {in(i64({3}, {-5, 0, 1LL << 40}))}, {{"to", int64_t{1}}})) ==
        Floats{-5, 0, 1099511627776.0f});
  CHECK(run1("Cast", {in(x)}, {{"to", int64_t{11}}}).values<double>()[1] == 0.5);  // DOUBLE
}

TEST_CASE("Dropout is the identity at inference, its mask is all true", "[exec][kernels][tensor]") {
  const ir::Tensor x = random_tensor({2, 3}, 4);
  const auto out = run_node("Dropout", {in(x), constant(ir::Tensor::scalar(0.5f))}, {}, 13, 2);
  CHECK(out[0] == x);
  const auto mask = out[1].values<bool>();
  CHECK(std::all_of(mask.begin(), mask.end(), [](bool m) { return m; }));
  ir::Tensor training(ir::DType::Bool, {});
  training.mutable_values<bool>()[0] = true;
  CHECK_THROWS_AS(run_node("Dropout", {in(x), constant(ir::Tensor::scalar(0.5f)), constant(training)}, {}, 13, 2),
                  InputError);
}

TEST_CASE("Constant and Shape produce their data", "[exec][kernels][tensor]") {
  const ir::Tensor value = floats({2}, {1.5f, -2});
  CHECK(run_node("Constant", {}, {{"value", value}}).at(0) == value);
  CHECK(run_node("Constant", {}, {{"value_ints", Ints{3, 4}}}).at(0) == i64({2}, {3, 4}));
  const ir::Tensor x = ramp({2, 3, 4, 5});
  CHECK(run1("Shape", {in(x)}) == i64({4}, {2, 3, 4, 5}));
  CHECK(run1("Shape", {in(x)}, {{"start", int64_t{1}}, {"end", int64_t{-1}}}, 15) == i64({2}, {3, 4}));
  CHECK(run1("Shape", {in(x)}, {{"start", int64_t{-10}}}, 15) == i64({4}, {2, 3, 4, 5}));
}

TEST_CASE("ReduceMean over axes, with and without keepdims", "[exec][kernels][tensor]") {
  const ir::Tensor x = ramp({2, 3, 2});
  const ir::Tensor keep = run1("ReduceMean", {in(x)}, {{"axes", Ints{1}}});
  CHECK(keep.shape() == ir::Shape{2, 1, 2});
  CHECK(values(keep) == Floats{2, 3, 8, 9});
  const ir::Tensor drop = run1("ReduceMean", {in(x)}, {{"axes", Ints{0, 2}}, {"keepdims", int64_t{0}}});
  CHECK(drop.shape() == ir::Shape{3});
  CHECK(values(drop) == Floats{3.5f, 5.5f, 7.5f});
  CHECK(values(run1("ReduceMean", {in(x)})) == Floats{5.5f});
  CHECK(values(run1("ReduceMean", {in(x), constant(ints({-1}))}, {}, 18)) == Floats{0.5f, 2.5f, 4.5f, 6.5f, 8.5f, 10.5f});
  CHECK(run1("ReduceMean", {in(x)}, {{"noop_with_empty_axes", int64_t{1}}}, 18) == x);
}

TEST_CASE("int64 shape computations run and fold like float ops", "[exec][kernels][tensor]") {
  // x -> Shape -> Gather(0) -> Unsqueeze -> Concat([-1]) -> Reshape(x): flattens all but the batch.
  ir::Graph g;
  g.opset_imports[""] = 13;
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 3, 4, 2});
  ir::Value* dims = g.add_node("Shape", {x}, {"dims"})->output(0);
  ir::Value* batch = g.add_node("Gather", {dims, g.add_constant("zero", ir::Tensor::scalar<int64_t>(0))}, {"batch"})->output(0);
  ir::Value* b1 = g.add_node("Unsqueeze", {batch, g.add_constant("axes", ints({0}))}, {"b1"})->output(0);
  ir::Value* target = g.add_node("Concat", {b1, g.add_constant("rest", ints({-1}))}, {"target"})->output(0);
  target->producer()->attrs["axis"] = int64_t{0};
  ir::Value* flat = g.add_node("Reshape", {x, target}, {"flat"})->output(0);
  ir::Value* count = g.add_node("Cast", {g.add_node("Slice", {dims, g.add_constant("s", ints({1})), g.add_constant("e", ints({3}))}, {"hw"})->output(0)}, {"count"})->output(0);
  count->producer()->attrs["to"] = int64_t{1};
  g.add_output(flat);
  g.add_output(count);
  const exec::Executor exe(g);
  const ir::Tensor input = ramp({1, 3, 4, 2});
  const auto out = exe.run({input});
  CHECK(out[0].shape() == ir::Shape{1, 24});
  CHECK(values(out[0]) == values(input));
  CHECK(values(out[1]) == Floats{3, 4});
  // Only the Reshape reads run-time data; the int64 chain was folded when the program was built.
  REQUIRE(exe.graph().find_value("flat"));
  CHECK(exe.memory_plan().requests.size() == 1);

  // The same semantics through evaluate_node, as constant folding calls it.
  const ir::Node* gather = exe.graph().find_value("batch")->producer();
  const ir::Tensor d = i64({4}, {1, 3, 4, 2}), zero = ir::Tensor::scalar<int64_t>(0);
  CHECK(exec::evaluate_node(*gather, {&d, &zero}, 13).at(0) == ir::Tensor::scalar<int64_t>(1));
}
