// NCHW -> NHWC lowering beyond conv chains: reshapes that need a TRANSPOSE, axes of Concat, Pad,
// Transpose and ReduceMean moved to their NHWC positions, Concat requantization, MUL's version, and
// the rank-4 values kept in the IR's order for BATCH_MATMUL.
#include <catch2/catch.hpp>

#include <algorithm>
#include <unordered_set>

#include "formats/tflite/emit.h"
#include "formats/tflite/plain_rank4.h"
#include "quantized_graphs.h"
#include "tflite_test_util.h"

using namespace tinyc;
using namespace tinyc::tflite_test;

namespace {

const ir::QuantParams kQ = per_tensor(0.02f, 1);

std::vector<int32_t> int32_input(const fb::Model* m, size_t op, size_t input) {
  return data_of<int32_t>(m, tensor_at(m, op_at(m, op).inputs()->Get(static_cast<flatbuffers::uoffset_t>(input))));
}

std::string emit(const ir::Graph& g) { return emit_named(g); }

}  // namespace

TEST_CASE("a flatten that is not read by FullyConnected goes through TRANSPOSE to NCHW order") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 2, 2, 3}, kQ);
  ir::Node* flat = b.node("Flatten", {x}, "flat", {1, 12}, kQ);
  b.dequantized_output(flat->output(0), "output");
  const auto g = b.take();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  REQUIRE(op_names(m) == std::vector<std::string>{"TRANSPOSE", "RESHAPE"});
  CHECK(code_of(m, op_at(m, 0)).version() == 2);
  CHECK(int32_input(m, 0, 1) == std::vector<int32_t>{0, 3, 1, 2});
  CHECK(shape_of(tensor_at(m, op_at(m, 0).outputs()->Get(0))) == std::vector<int32_t>{1, 2, 2, 3});
  CHECK(shape_of(tensor_at(m, op_at(m, 1).outputs()->Get(0))) == std::vector<int32_t>{1, 12});
}

TEST_CASE("a reshape to rank 4 is RESHAPE to NCHW then TRANSPOSE to NHWC") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 12}, kQ);
  ir::Value* shape = b.graph().add_constant("target", ir::Tensor::from_vector<int64_t>({4}, {1, 3, 2, 2}));
  ir::Node* reshape = b.node("Reshape", {x, shape}, "image", {1, 3, 2, 2}, kQ);
  b.dequantized_output(reshape->output(0), "output");
  const auto g = b.take();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  REQUIRE(op_names(m) == std::vector<std::string>{"RESHAPE", "TRANSPOSE"});
  CHECK(int32_input(m, 0, 1) == std::vector<int32_t>{1, 3, 2, 2});
  CHECK(int32_input(m, 1, 1) == std::vector<int32_t>{0, 2, 3, 1});
  CHECK(shape_of(tensor_at(m, main_subgraph(m).outputs()->Get(0))) == std::vector<int32_t>{1, 2, 2, 3});
}

TEST_CASE("Concat on channels is CONCATENATION on NHWC axis 3, inputs with other parameters are requantized") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 2, 3, 3}, kQ);
  ir::Value* y = b.quantized_input("other", {1, 1, 3, 3}, per_tensor(0.05f, -3));
  ir::Node* concat = b.node("Concat", {x, y}, "joined", {1, 3, 3, 3}, kQ);
  concat->attrs["axis"] = int64_t{1};
  b.dequantized_output(concat->output(0), "output");
  const auto g = b.take();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  REQUIRE(op_names(m) == std::vector<std::string>{"QUANTIZE", "CONCATENATION"});
  const fb::Tensor& requantized = tensor_at(m, op_at(m, 0).outputs()->Get(0));
  CHECK(requantized.type() == fb::TensorType::INT8);
  CHECK(requantized.quantization()->scale()->Get(0) == 0.02f);
  CHECK(requantized.quantization()->zero_point()->Get(0) == 1);
  CHECK(shape_of(requantized) == std::vector<int32_t>{1, 3, 3, 1});
  CHECK(op_at(m, 1).builtin_options_as_ConcatenationOptions()->axis() == 3);
  CHECK(op_at(m, 1).inputs()->Get(1) == op_at(m, 0).outputs()->Get(0));
  CHECK(code_of(m, op_at(m, 1)).version() == 2);
}

TEST_CASE("Pad rows, Transpose permutations and ReduceMean axes follow the NHWC dims") {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 2, 3, 4}, kQ);
  ir::Value* pads = b.graph().add_constant("pads", ir::Tensor::from_vector<int64_t>({8}, {0, 0, 1, 2, 0, 0, 3, 4}));
  ir::Node* pad = b.node("Pad", {x, pads}, "padded", {1, 2, 7, 10}, kQ);
  ir::Node* transpose = b.node("Transpose", {pad->output(0)}, "moved", {1, 7, 10, 2}, kQ);
  transpose->attrs["perm"] = std::vector<int64_t>{0, 2, 3, 1};
  ir::Node* mean = b.node("ReduceMean", {pad->output(0)}, "mean", {1, 2}, per_tensor(0.01f, 0));
  mean->attrs["axes"] = std::vector<int64_t>{2, 3};
  mean->attrs["keepdims"] = int64_t{0};
  b.dequantized_output(transpose->output(0), "moved_out");
  b.dequantized_output(mean->output(0), "mean_out");
  const auto g = b.take();
  const std::string bytes = emit(*g);
  const fb::Model* m = verified_model(bytes);
  // MEAN runs before TRANSPOSE: its scratch is then not alive beside the transposed graph output.
  REQUIRE(op_names(m) == std::vector<std::string>{"PAD", "MEAN", "TRANSPOSE"});
  CHECK(int32_input(m, 0, 1) == std::vector<int32_t>{0, 0, 1, 3, 2, 4, 0, 0});
  CHECK(shape_of(tensor_at(m, op_at(m, 0).outputs()->Get(0))) == std::vector<int32_t>{1, 7, 10, 2});
  // IR output [1,7,10,2] is stored as NHWC [1,10,2,7]: tensor dims (N, W, C, H) of the NHWC input.
  CHECK(int32_input(m, 2, 1) == std::vector<int32_t>{0, 2, 3, 1});
  CHECK(shape_of(tensor_at(m, op_at(m, 2).outputs()->Get(0))) == std::vector<int32_t>{1, 10, 2, 7});
  CHECK(int32_input(m, 1, 1) == std::vector<int32_t>{1, 2});
  CHECK_FALSE(op_at(m, 1).builtin_options_as_ReducerOptions()->keep_dims());
  CHECK(shape_of(tensor_at(m, op_at(m, 1).outputs()->Get(0))) == std::vector<int32_t>{1, 2});
}

TEST_CASE("MUL is version 3 when s1 * s2 / s_out >= 1, else 2") {
  auto mul_version = [](float out_scale) {
    QuantizedGraphBuilder b;
    ir::Value* x = b.quantized_input("input", {1, 4}, per_tensor(0.5f, 0));
    ir::Value* y = b.quantized_input("other", {1, 4}, per_tensor(0.25f, 0));
    ir::Node* mul = b.node("Mul", {x, y}, "product", {1, 4}, per_tensor(out_scale, 0));
    b.dequantized_output(mul->output(0), "output");
    const auto g = b.take();
    const std::string bytes = emit_named(*g);
    const fb::Model* m = verified_model(bytes);
    return code_of(m, op_at(m, 0)).version();
  };
  CHECK(mul_version(0.1f) == 3);  // 0.125 / 0.1 >= 1
  CHECK(mul_version(0.2f) == 2);
}

TEST_CASE("rank-4 values only reshapes, transposes, MatMuls and Softmax touch stay in the IR's order") {
  // x[1,6,16] -> Reshape [1,6,2,8] -> Transpose to [1,2,6,8] -> MatMul with itself transposed -> Softmax
  // -> MatMul with the heads -> Transpose, Reshape back to [1,6,16]; a second branch feeds the first
  // reshape's output to an AveragePool, which needs NHWC.
  for (const bool pooled : {false, true}) {
    QuantizedGraphBuilder b;
    ir::Value* x = b.quantized_input("input", {1, 6, 16}, kQ);
    ir::Value* shape = b.graph().add_constant("split_shape", ir::Tensor::from_vector<int64_t>({4}, {1, 6, 2, 8}));
    ir::Value* split = b.node("Reshape", {x, shape}, "split", {1, 6, 2, 8}, kQ)->output(0);
    ir::Node* heads = b.node("Transpose", {split}, "heads", {1, 2, 6, 8}, kQ);
    heads->attrs["perm"] = std::vector<int64_t>{0, 2, 1, 3};
    ir::Node* keys = b.node("Transpose", {heads->output(0)}, "keys", {1, 2, 8, 6}, kQ);
    keys->attrs["perm"] = std::vector<int64_t>{0, 1, 3, 2};
    ir::Value* scores = b.node("MatMul", {heads->output(0), keys->output(0)}, "scores", {1, 2, 6, 6}, kQ)->output(0);
    ir::Node* probs = b.node("Softmax", {scores}, "probs", {1, 2, 6, 6}, per_tensor(1.0f / 256, -128));
    probs->attrs["axis"] = int64_t{-1};
    ir::Value* mixed = b.node("MatMul", {probs->output(0), heads->output(0)}, "mixed", {1, 2, 6, 8}, kQ)->output(0);
    ir::Node* merged = b.node("Transpose", {mixed}, "merged", {1, 6, 2, 8}, kQ);
    merged->attrs["perm"] = std::vector<int64_t>{0, 2, 1, 3};
    ir::Value* flat_shape = b.graph().add_constant("flat_shape", ir::Tensor::from_vector<int64_t>({3}, {1, 6, 16}));
    b.dequantized_output(b.node("Reshape", {merged->output(0), flat_shape}, "flat", {1, 6, 16}, kQ)->output(0), "output");
    if (pooled) {
      ir::Node* pool = b.node("AveragePool", {split}, "pool", {1, 6, 1, 4}, kQ);
      pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
      pool->attrs["strides"] = std::vector<int64_t>{2, 2};
      b.dequantized_output(pool->output(0), "pooled");
    }
    const auto g = b.take();
    const std::unordered_set<const ir::Value*> plain = tflite_format::plain_rank4_values(*g);
    // The pool keeps `split` NHWC; the transposes still write their outputs in the IR's order.
    CHECK(plain.count(g->find_value("split")) == (pooled ? 0 : 1));
    for (const char* name : {"heads", "keys", "scores", "probs", "mixed", "merged"})
      CHECK(plain.count(g->find_value(name)) == 1);
    const auto names = op_names(verified_model(emit(*g)));
    CHECK(std::count(names.begin(), names.end(), "BATCH_MATMUL") == 2);
    // The model's three Transposes, and with the pool one more to bring `split` out of NHWC.
    CHECK(std::count(names.begin(), names.end(), "TRANSPOSE") == (pooled ? 4 : 3));
  }
}
