// Builders of the pruning tests' graphs.
#include "prune_test_graphs.h"

#include "exec/shape_inference.h"
#include "passes/pass_test_util.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes::testing {

ir::Node* add_conv(ir::Graph& g, const std::string& name, ir::Value* x, int64_t in, int64_t out, int64_t k,
                   int64_t group, uint32_t seed) {
  ir::Value* w = add_random_constant(g, name + "_w", {out, in / group, k, k}, seed);
  ir::Value* b = add_random_constant(g, name + "_b", {out}, seed + 1000);
  ir::Node* n = g.add_node("Conv", {x, w, b}, {name + "_out"}, name);
  n->attrs["kernel_shape"] = std::vector<int64_t>{k, k};
  n->attrs["pads"] = std::vector<int64_t>{k / 2, k / 2, k / 2, k / 2};
  n->attrs["group"] = group;
  return n;
}

std::unique_ptr<ir::Graph> residual_graph() {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 8, 8});
  ir::Node* a = add_conv(*g, "convA", x, 3, 8, 3, 1, 1);
  ir::Node* relu = g->add_node("Relu", {a->output(0)}, {"a_relu"}, "reluA");
  ir::Node* dw = add_conv(*g, "dw", relu->output(0), 8, 8, 3, 8, 2);
  ir::Node* b = add_conv(*g, "convB", dw->output(0), 8, 6, 1, 1, 3);
  ir::Node* c = add_conv(*g, "convC", dw->output(0), 8, 6, 1, 1, 4);
  ir::Node* add = g->add_node("Add", {b->output(0), c->output(0)}, {"sum"}, "add");
  ir::Node* relu2 = g->add_node("Relu", {add->output(0)}, {"sum_relu"}, "reluS");
  ir::Node* pool = g->add_node("MaxPool", {relu2->output(0)}, {"pooled"}, "pool");
  pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  pool->attrs["strides"] = std::vector<int64_t>{2, 2};
  ir::Node* flat = g->add_node("Flatten", {pool->output(0)}, {"flat"}, "flatten");
  ir::Node* gemm = g->add_node(
      "Gemm", {flat->output(0), add_random_constant(*g, "gemm_w", {5, 96}, 5), add_random_constant(*g, "gemm_b", {5}, 6)},
      {"y"}, "gemm");
  gemm->attrs["transB"] = int64_t{1};
  g->add_output(gemm->output(0));
  exec::infer_shapes(*g);
  return g;
}

std::unique_ptr<ir::Graph> concat_graph() {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 6, 6});
  ir::Node* p = add_conv(*g, "convP", x, 3, 4, 3, 1, 11);
  ir::Node* q = add_conv(*g, "convQ", x, 3, 5, 3, 1, 12);
  ir::Node* cat = g->add_node("Concat", {p->output(0), q->output(0)}, {"cat"}, "concat");
  cat->attrs["axis"] = int64_t{1};
  ir::Node* relu = g->add_node("Relu", {cat->output(0)}, {"cat_relu"}, "relu");
  ir::Node* r = add_conv(*g, "convR", relu->output(0), 9, 2, 1, 1, 13);
  g->add_output(r->output(0));
  exec::infer_shapes(*g);
  return g;
}

std::unique_ptr<ir::Graph> chain_graph() {
  auto g = new_graph();
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, 3, 8, 8});
  ir::Node* a = add_conv(*g, "convA", x, 3, 8, 3, 1, 21);
  ir::Node* relu = g->add_node("Relu", {a->output(0)}, {"a_relu"}, "reluA");
  ir::Node* b = add_conv(*g, "convB", relu->output(0), 8, 4, 3, 1, 22);
  g->add_output(b->output(0));
  exec::infer_shapes(*g);
  return g;
}

void zero_output_channels(ir::Graph& g, const std::string& conv, const std::vector<int64_t>& channels) {
  ir::Node* n = g.find_node(conv);
  for (size_t input : {size_t{1}, size_t{2}}) {
    const ir::Tensor& t = n->input(input)->constant();
    std::vector<double> v = float_values(n->input(input));
    const size_t per_channel = v.size() / static_cast<size_t>(t.shape()[0]);
    for (int64_t c : channels)
      for (size_t i = 0; i < per_channel; ++i) v[static_cast<size_t>(c) * per_channel + i] = 0;
    set_constant_input(g, n, input, float_tensor(t.shape(), v), conv + "_zeroed");
  }
}

}  // namespace tinyc::passes::testing
