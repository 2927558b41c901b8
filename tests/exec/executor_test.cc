// Executor: stacked batches equal single rows, the row-by-row fallback, threads and chunks,
// the observer, evaluate_node, and the errors a user can cause.
#include <catch2/catch.hpp>

#include <map>
#include <numeric>
#include <set>

#include "exec/evaluate.h"
#include "exec_test_util.h"
#include "formats/onnx/import.h"
#include "ir/error.h"

using namespace tinyc;
using namespace tinyc::exec_test;

namespace {

// Conv -> BatchNorm -> Relu -> MaxPool -> Flatten -> Gemm -> Softmax on a 1x2x6x6 input.
std::unique_ptr<ir::Graph> small_cnn() {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 2, 6, 6});
  ir::Node* conv = g->add_node("Conv", {x, g->add_constant("w", random_tensor({4, 2, 3, 3}, 1))}, {"conv"});
  conv->attrs["pads"] = Ints{1, 1, 1, 1};
  ir::Value* bn = g->add_node("BatchNormalization",
                              {conv->output(0), g->add_constant("s", random_tensor({4}, 2)),
                               g->add_constant("b", random_tensor({4}, 3)), g->add_constant("m", random_tensor({4}, 4)),
                               g->add_constant("v", random_tensor({4}, 5, 0.5f, 1.5f))},
                              {"bn"})
                      ->output(0);
  ir::Value* relu = g->add_node("Relu", {bn}, {"relu"})->output(0);
  ir::Node* pool = g->add_node("MaxPool", {relu}, {"pool"});
  pool->attrs["kernel_shape"] = Ints{2, 2};
  pool->attrs["strides"] = Ints{2, 2};
  ir::Value* flat = g->add_node("Flatten", {pool->output(0)}, {"flat"})->output(0);
  ir::Node* fc = g->add_node("Gemm", {flat, g->add_constant("fw", random_tensor({5, 36}, 6)),
                                      g->add_constant("fb", random_tensor({5}, 7))},
                             {"fc"});
  fc->attrs["transB"] = int64_t{1};
  g->add_output(g->add_node("Softmax", {fc->output(0)}, {"prob"})->output(0));
  return g;
}

ir::Tensor rows_of(const ir::Tensor& t, int64_t first, int64_t count) {
  ir::Shape shape = t.shape();
  shape[0] = count;
  ir::Tensor out(t.dtype(), shape);
  const size_t row = t.byte_size() / static_cast<size_t>(t.shape()[0]);
  std::copy_n(t.bytes().data() + first * row, count * row, out.mutable_bytes().data());
  return out;
}

// Runs each row alone and stacks the results.
ir::Tensor row_by_row(const exec::Executor& exe, const ir::Tensor& x) {
  std::vector<ir::Tensor> rows;
  for (int64_t r = 0; r < x.shape()[0]; ++r) rows.push_back(exe.run({rows_of(x, r, 1)}).at(0));
  ir::Shape shape = rows[0].shape();
  shape[0] = x.shape()[0];
  ir::Tensor out(rows[0].dtype(), shape);
  for (size_t r = 0; r < rows.size(); ++r)
    std::copy_n(rows[r].bytes().data(), rows[r].byte_size(), out.mutable_bytes().data() + r * rows[r].byte_size());
  return out;
}

}  // namespace

// Stacked rows agree with single rows up to float rounding: a Gemm over 3 rows runs Eigen's GEMM,
// over 1 row its GEMV, which sum in different orders (Conv runs per image and is identical).
TEST_CASE("executor: a batch of 3 gives the rows of three single runs", "[exec][executor]") {
  const auto g = small_cnn();
  const exec::Executor exe(*g);
  CHECK(exe.stacks_rows());
  const ir::Tensor x = random_tensor({3, 2, 6, 6}, 42);
  const ir::Tensor batched = exe.run({x}).at(0);
  REQUIRE(batched.shape() == ir::Shape{3, 5});
  CHECK(max_abs_diff(batched, row_by_row(exe, x)) < 1e-6);

  SECTION("on a corpus model") {
    const auto model = onnx_format::import_model_file(std::string(TINYC_CORPUS_DIR) + "/models/fmnist_resnet8.onnx");
    const exec::Executor resnet(*model.graph);
    const ir::Tensor images = random_tensor({3, 1, 28, 28}, 9, 0, 1);
    CHECK(max_abs_diff(resnet.run({images}).at(0), row_by_row(resnet, images)) < 1e-5);
  }
}

TEST_CASE("executor: chunks and threads do not change the result", "[exec][executor]") {
  const auto g = small_cnn();
  const ir::Tensor x = random_tensor({11, 2, 6, 6}, 43);
  const ir::Tensor reference = exec::Executor(*g, {1, 64}).run({x}).at(0);
  for (const exec::ExecutorOptions& o : {exec::ExecutorOptions{2, 2}, exec::ExecutorOptions{2, 3},
                                         exec::ExecutorOptions{3, 1}, exec::ExecutorOptions{0, 32}}) {
    DYNAMIC_SECTION("threads " << o.threads << ", rows per chunk " << o.rows_per_chunk) {
      CHECK(max_abs_diff(exec::Executor(*g, o).run({x}).at(0), reference) < 1e-6);
    }
  }
  const ir::Tensor none = exec::Executor(*g).run({random_tensor({0, 2, 6, 6}, 1)}).at(0);
  CHECK(none.shape() == ir::Shape{0, 5});
}

TEST_CASE("executor: graphs that hard-code batch 1 run row by row", "[exec][executor]") {
  ir::Graph g;
  g.opset_imports[""] = 13;
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 2, 3});
  ir::Value* flat = g.add_node("Reshape", {x, g.add_constant("target", ints({1, -1}))}, {"flat"})->output(0);
  g.add_output(g.add_node("Softmax", {flat}, {"y"})->output(0));
  const exec::Executor exe(g);
  CHECK_FALSE(exe.stacks_rows());
  const ir::Tensor x3 = random_tensor({3, 2, 3}, 5);
  const ir::Tensor y = exe.run({x3}).at(0);
  CHECK(y.shape() == ir::Shape{3, 6});
  CHECK(max_abs_diff(y, row_by_row(exe, x3)) == 0);
  const auto v = values(y);
  CHECK(std::accumulate(v.begin(), v.begin() + 6, 0.0) == Approx(1.0));

  // Softmax over axis 0 keeps the shapes but would mix rows if they were stacked.
  ir::Graph s;
  s.opset_imports[""] = 13;
  ir::Node* sm = s.add_node("Softmax", {s.add_input("x", ir::DType::Float32, {1, 4})}, {"y"});
  sm->attrs["axis"] = int64_t{0};
  s.add_output(sm->output(0));
  const exec::Executor mixing(s);
  CHECK_FALSE(mixing.stacks_rows());
  CHECK(values(mixing.run({random_tensor({2, 4}, 6)}).at(0)) == Floats(8, 1.0f));
}

TEST_CASE("executor: the observer sees every run-time value of every row", "[exec][executor]") {
  const auto g = small_cnn();
  const exec::Executor exe(*g, {2, 2});
  std::map<std::string, int64_t> rows_seen;
  std::set<int64_t> first_rows;
  ir::Tensor last_prob;
  const ir::Tensor x = random_tensor({5, 2, 6, 6}, 44);
  const ir::Tensor y = exe.run({x}, [&](const exec::ObservedValue& v) {
                            rows_seen[v.name] += v.value.shape()[0];
                            first_rows.insert(v.first_row);
                            if (v.name == "prob" && v.first_row == 4) last_prob = v.value;
                          }).at(0);
  CHECK(rows_seen == std::map<std::string, int64_t>{
                         {"conv", 5}, {"bn", 5}, {"relu", 5}, {"pool", 5}, {"flat", 5}, {"fc", 5}, {"prob", 5}});
  CHECK(first_rows == std::set<int64_t>{0, 2, 4});
  CHECK(last_prob == rows_of(y, 4, 1));
}

TEST_CASE("evaluate_node runs one node on constants, as constant folding does", "[exec][executor]") {
  const auto g = small_cnn();
  const exec::Executor exe(*g);
  const ir::Node* conv = exe.graph().find_value("conv")->producer();
  const ir::Tensor x = random_tensor({1, 2, 6, 6}, 8);
  const std::vector<ir::Tensor> out = exec::evaluate_node(*conv, {&x, &conv->input(1)->constant()}, 13);
  std::vector<ir::Tensor> observed;
  exe.run({x}, [&](const exec::ObservedValue& v) {
    if (v.name == "conv") observed.push_back(v.value);
  });
  CHECK(out.at(0) == observed.at(0));
  // The node's output type must be known; an op without a kernel is an InputError.
  ir::Graph raw;
  ir::Node* relu = raw.add_node("Relu", {raw.add_input("x", ir::DType::Float32, {2})}, {"y"});
  const ir::Tensor two = floats({2}, {-1, 1});
  CHECK_THROWS_AS(exec::evaluate_node(*relu, {&two}, 13), InternalError);
  relu->op_type = "NoSuchOp";
  relu->output(0)->dtype = ir::DType::Float32;
  relu->output(0)->shape = ir::Shape{2};
  CHECK_THROWS_AS(exec::evaluate_node(*relu, {&two}, 13), InputError);
}

TEST_CASE("executor: wrong inputs and unsupported graphs are InputErrors", "[exec][executor]") {
  const auto g = small_cnn();
  const exec::Executor exe(*g);
  CHECK_THROWS_AS(exe.run({}), InputError);
  CHECK_THROWS_AS(exe.run({ir::Tensor(ir::DType::Float64, {1, 2, 6, 6})}), InputError);
  CHECK_THROWS_AS(exe.run({random_tensor({2, 3, 6, 6}, 1)}), InputError);
  CHECK_THROWS_AS(exe.run({random_tensor({2, 6, 6}, 1)}), InputError);

  ir::Graph loop;
  loop.add_output(loop.add_node("Loop", {loop.add_input("x", ir::DType::Float32, {1})}, {"y"})->output(0));
  CHECK_THROWS_AS(exec::Executor(loop), InputError);

  // A data error inside a worker thread reaches the caller.
  ir::Graph gather;
  gather.opset_imports[""] = 13;
  ir::Value* data = gather.add_constant("data", random_tensor({4, 3}, 2));
  ir::Value* index = gather.add_input("i", ir::DType::Int64, {1, 2});
  gather.add_output(gather.add_node("Gather", {data, index}, {"y"})->output(0));
  const exec::Executor picker(gather, {2, 1});
  CHECK(picker.stacks_rows());
  CHECK_NOTHROW(picker.run({ir::Tensor::from_vector<int64_t>({3, 2}, {0, 1, 2, 3, -1, -4})}));
  CHECK_THROWS_AS(picker.run({ir::Tensor::from_vector<int64_t>({3, 2}, {0, 1, 2, 3, 4, 0})}), InputError);
}
