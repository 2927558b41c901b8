// Params and MACs: hand-computed on tiny graphs, and exactly the corpus manifest's numbers.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "formats/onnx/import.h"
#include "report/model_stats.h"
#include "support/test_support.h"

using namespace tinyc;

TEST_CASE("conv and gemm params and MACs on a hand-built graph") {
  ir::Graph g;
  g.opset_imports[""] = 13;
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 3, 8, 8});
  ir::Value* w = g.add_constant("w", ir::Tensor(ir::DType::Float32, {4, 3, 3, 3}));
  ir::Value* b = g.add_constant("b", ir::Tensor(ir::DType::Float32, {4}));
  ir::Node* conv = g.add_node("Conv", {x, w, b}, {"c"}, "conv");
  conv->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  ir::Node* flat = g.add_node("Flatten", {conv->output(0)}, {"f"}, "flat");
  ir::Value* fw = g.add_constant("fw", ir::Tensor(ir::DType::Float32, {10, 256}));
  ir::Node* fc = g.add_node("Gemm", {flat->output(0), fw}, {"y"}, "fc");
  fc->attrs["transB"] = int64_t{1};
  g.add_output(fc->output(0));
  exec::infer_shapes(g);

  const report::ModelStats s = report::compute_model_stats(g);
  REQUIRE(s.layers.size() == 3);
  // Conv: 4x3x3x3 weights + 4 biases; each of 4x8x8 outputs sums 3x3x3 products.
  CHECK(s.layers[0].params == 108 + 4);
  CHECK(s.layers[0].macs == 4 * 8 * 8 * 27);
  CHECK(s.layers[1].macs == 0);
  CHECK(s.layers[2].params == 2560);
  CHECK(s.layers[2].macs == 10 * 256);
  CHECK(s.params == 112 + 2560);
  CHECK(s.weight_bytes_fp32 == 4 * (112 + 2560));
  CHECK(s.weight_bytes_int8 == 108 + 4 * 4 + 2560);
  CHECK(s.op_histogram.at("Conv") == 1);
}

TEST_CASE("a constant read by two nodes counts once") {
  ir::Graph g;
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 4});
  ir::Value* c = g.add_constant("c", ir::Tensor(ir::DType::Float32, {4}));
  ir::Node* a = g.add_node("Add", {x, c}, {"a"}, "a");
  ir::Node* m = g.add_node("Mul", {a->output(0), c}, {"m"}, "m");
  g.add_output(m->output(0));
  exec::infer_shapes(g);
  CHECK(report::compute_model_stats(g).params == 4);
}

TEST_CASE("a weight reshaped or transposed at run time counts at the layer that reads it") {
  // As mnist-8 holds its MatMul weights: a constant reshaped, then transposed, then multiplied.
  ir::Graph g;
  g.opset_imports[""] = 13;
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 6});
  ir::Value* w = g.add_constant("w", ir::Tensor(ir::DType::Float32, {2, 12}));
  ir::Node* reshape = g.add_node("Reshape", {w, g.add_constant("s", ir::Tensor::from_vector<int64_t>({2}, {4, 6}))},
                                 {"wr"}, "reshape");
  ir::Node* transpose = g.add_node("Transpose", {reshape->output(0)}, {"wt"}, "transpose");
  transpose->attrs["perm"] = std::vector<int64_t>{1, 0};
  ir::Node* mm = g.add_node("MatMul", {x, transpose->output(0)}, {"y"}, "mm");
  // An activation reshaped is not a weight.
  ir::Node* again = g.add_node("Reshape", {x, g.add_constant("s2", ir::Tensor::from_vector<int64_t>({2}, {6, 1}))},
                               {"xr"}, "reshape_x");
  ir::Node* outer = g.add_node("MatMul", {mm->output(0), g.add_constant("v", ir::Tensor(ir::DType::Float32, {4, 6}))},
                               {"z"}, "outer");
  ir::Node* mixed = g.add_node("MatMul", {outer->output(0), again->output(0)}, {"m"}, "mixed");
  g.add_output(mixed->output(0));
  exec::infer_shapes(g);
  const report::ModelStats s = report::compute_model_stats(g);
  CHECK(s.params == 24 + 24);
  for (const report::LayerStats& l : s.layers) {
    INFO(l.name);
    CHECK(l.params == (l.name == "mm" || l.name == "outer" ? 24 : 0));
  }
}

TEST_CASE("every corpus model has exactly the manifest's params and MACs") {
  const nlohmann::json& models = test::corpus_manifest().at("models");
  REQUIRE(models.size() == 7);
  for (const auto& [name, facts] : models.items()) {
    INFO(name);
    auto imported = onnx_format::import_model_file(test::corpus_model_path(name));
    exec::infer_shapes(*imported.graph);
    const report::ModelStats s = report::compute_model_stats(*imported.graph);
    CHECK(s.params == facts["params"].get<int64_t>());
    CHECK(s.macs == facts["macs"].get<int64_t>());
    for (const auto& [op, count] : facts["ops"].items()) CHECK(s.op_histogram.at(op) == count.get<int64_t>());
  }
}

TEST_CASE("quantized weights count as params at their stored size, other integer constants do not") {
  ir::Graph g;
  g.opset_imports[""] = 13;
  ir::Value* x = g.add_input("x", ir::DType::Int8, {1, 3, 8, 8});
  ir::Value* w = g.add_constant("w", ir::Tensor(ir::DType::Int8, {4, 3, 3, 3}));
  w->quant = ir::QuantParams{{0.1f, 0.2f, 0.3f, 0.4f}, {0, 0, 0, 0}, 0};
  ir::Value* b = g.add_constant("b", ir::Tensor(ir::DType::Int32, {4}));
  b->quant = ir::QuantParams{{0.01f, 0.02f, 0.03f, 0.04f}, {0, 0, 0, 0}, 0};
  ir::Node* conv = g.add_node("Conv", {x, w, b}, {"c"}, "conv");
  conv->output(0)->dtype = ir::DType::Int8;
  conv->output(0)->shape = ir::Shape{1, 4, 6, 6};
  ir::Value* steps = g.add_input("steps", ir::DType::Int64, {2});
  ir::Value* one = g.add_constant("one", ir::Tensor(ir::DType::Int64, {2}));
  ir::Node* add = g.add_node("Add", {steps, one}, {"next"}, "count");
  add->output(0)->dtype = ir::DType::Int64;
  add->output(0)->shape = ir::Shape{2};
  g.add_output(conv->output(0));
  g.add_output(add->output(0));

  const report::ModelStats s = report::compute_model_stats(g);
  CHECK(s.params == 108 + 4);
  CHECK(s.weight_bytes_stored == 108 * 1 + 4 * 4);
  CHECK(s.weight_bytes_int8 == 108 + 4 * 4);
  CHECK(s.macs == 4 * 6 * 6 * 27);
}

TEST_CASE("float weights are stored at 4 bytes each") {
  auto imported = onnx_format::import_model_file(test::corpus_model_path("digits_cnn"));
  exec::infer_shapes(*imported.graph);
  const report::ModelStats s = report::compute_model_stats(*imported.graph);
  CHECK(s.weight_bytes_stored == 4 * 9826);
  CHECK(s.weight_bytes_stored == s.weight_bytes_fp32);
}
