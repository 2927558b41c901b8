// The 1-D test networks.
#include "passes/graphs_1d.h"

#include "exec/shape_inference.h"
#include "passes/pass_test_util.h"

namespace tinyc::passes::testing {

using Ints = std::vector<int64_t>;

ir::Node* conv1d(ir::Graph& g, ir::Value* x, const ir::Shape& w, const std::string& name, uint32_t seed) {
  ir::Value* weights = add_random_constant(g, name + "_w", w, seed);
  ir::Value* bias = add_random_constant(g, name + "_b", {w[0]}, seed + 100);
  return g.add_node("Conv", {x, weights, bias}, {name + "_out"}, name);
}

namespace {

ir::Value* relu(ir::Graph& g, ir::Value* x) { return g.add_node("Relu", {x}, {x->name + "_relu"})->output(0); }

}  // namespace

std::unique_ptr<ir::Graph> classifier_1d(int64_t opset) {
  auto g = new_graph(opset);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 32});
  ir::Node* c1 = conv1d(*g, x, {8, 3, 5}, "c1", 1);
  c1->attrs["pads"] = Ints{2, 2};
  ir::Node* pool = g->add_node("MaxPool", {relu(*g, c1->output(0))}, {"pool"}, "pool");
  pool->attrs["kernel_shape"] = Ints{2};
  pool->attrs["strides"] = Ints{2};
  ir::Node* dw = conv1d(*g, pool->output(0), {8, 1, 3}, "dw", 2);
  dw->attrs["group"] = int64_t{8};
  dw->attrs["pads"] = Ints{1, 1};
  ir::Value* sum = g->add_node("Add", {relu(*g, dw->output(0)), pool->output(0)}, {"sum"}, "add")->output(0);
  ir::Value* scaled = g->add_node("Mul", {sum, add_random_constant(*g, "scale", {8, 1}, 3)}, {"scaled"}, "mul")->output(0);
  ir::Node* avg = g->add_node("AveragePool", {scaled}, {"avg"}, "avg");
  avg->attrs["kernel_shape"] = Ints{3};
  avg->attrs["strides"] = Ints{2};
  avg->attrs["pads"] = Ints{1, 1};
  avg->attrs["count_include_pad"] = int64_t{1};
  ir::Node* c2 = conv1d(*g, avg->output(0), {10, 8, 3}, "c2", 4);
  c2->attrs["dilations"] = Ints{2};
  c2->attrs["strides"] = Ints{2};
  ir::Value* gap = g->add_node("GlobalAveragePool", {c2->output(0)}, {"gap"}, "gap")->output(0);
  ir::Value* flat = g->add_node("Flatten", {gap}, {"flat"}, "flatten")->output(0);
  ir::Node* fc = g->add_node("Gemm", {flat, add_random_constant(*g, "fc_w", {4, 10}, 5)}, {"y"}, "fc");
  fc->attrs["transB"] = int64_t{1};
  g->add_output(fc->output(0));
  exec::infer_shapes(*g);
  return g;
}

std::unique_ptr<ir::Graph> denoiser_1d() {
  auto g = new_graph();
  ir::Value* v = g->add_input("x", ir::DType::Float32, {1, 1, 40});
  const std::vector<std::pair<ir::Shape, int64_t>> layers{{{4, 1, 5}, 2}, {{4, 4, 3}, 1}, {{1, 4, 3}, 1}};
  for (size_t i = 0; i < layers.size(); ++i) {
    ir::Node* conv = conv1d(*g, v, layers[i].first, "conv" + std::to_string(i), static_cast<uint32_t>(i + 1));
    conv->attrs["pads"] = Ints{layers[i].second, layers[i].second};
    v = i + 1 < layers.size() ? relu(*g, conv->output(0)) : conv->output(0);
  }
  g->add_output(v);
  exec::infer_shapes(*g);
  return g;
}

}  // namespace tinyc::passes::testing
