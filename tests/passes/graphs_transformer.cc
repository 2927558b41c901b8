// The transformer test block.
#include "passes/graphs_transformer.h"

#include <cmath>

#include "exec/shape_inference.h"
#include "passes/pass_test_util.h"

namespace tinyc::passes::testing {

namespace {

constexpr int64_t kTokens = 6;
constexpr int64_t kWidth = 16;

ir::Value* scalar(ir::Graph& g, const std::string& name, float value) {
  return g.add_constant(name, ir::Tensor::scalar<float>(value));
}

ir::Value* op(ir::Graph& g, const std::string& type, std::vector<ir::Value*> inputs, const std::string& name) {
  return g.add_node(type, std::move(inputs), {name}, name)->output(0);
}

// MatMul by a seeded [in, out] weight, then Add of a seeded bias, as exporters write a Linear layer on tokens.
ir::Value* linear(ir::Graph& g, ir::Value* x, int64_t in, int64_t out, const std::string& name, uint32_t seed) {
  ir::Value* product = op(g, "MatMul", {x, add_random_constant(g, name + "_w", {in, out}, seed)}, name + "_matmul");
  return op(g, "Add", {product, add_random_constant(g, name + "_b", {out}, seed + 50)}, name);
}

ir::Value* layer_norm(ir::Graph& g, ir::Value* x, const std::string& name, uint32_t seed) {
  ir::Tensor gamma = random_tensor({kWidth}, seed);
  for (float& v : gamma.mutable_values<float>()) v = 1.0f + 0.5f * v;  // in [0.5, 1.5)
  ir::Node* n = g.add_node("LayerNormalization",
                           {x, g.add_constant(name + "_scale", std::move(gamma)), add_random_constant(g, name + "_bias", {kWidth}, seed + 1)},
                           {name}, name);
  n->attrs["axis"] = int64_t{-1};
  n->attrs["epsilon"] = 1e-5f;
  return n->output(0);
}

ir::Value* gelu(ir::Graph& g, ir::Value* x, GeluForm form) {
  if (form == GeluForm::Op) return op(g, "Gelu", {x}, "gelu");
  ir::Value* t = op(g, "Div", {x, scalar(g, "sqrt2", static_cast<float>(std::sqrt(2.0)))}, "gelu_div");
  ir::Value* e = op(g, "Add", {op(g, "Erf", {t}, "gelu_erf"), scalar(g, "one", 1.0f)}, "gelu_add");
  return op(g, "Mul", {op(g, "Mul", {x, e}, "gelu_mul"), scalar(g, "half", 0.5f)}, "gelu");
}

}  // namespace

std::unique_ptr<ir::Graph> transformer_block(GeluForm form) {
  auto g = new_graph(17);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, kTokens, kWidth});
  ir::Value* h = layer_norm(*g, x, "ln1", 1);
  ir::Value* q = linear(*g, h, kWidth, kWidth, "q", 10);
  ir::Value* k = linear(*g, h, kWidth, kWidth, "k", 20);
  ir::Value* v = linear(*g, h, kWidth, kWidth, "v", 30);
  ir::Node* kt = g->add_node("Transpose", {k}, {"kt"}, "kt");
  kt->attrs["perm"] = std::vector<int64_t>{0, 2, 1};
  ir::Value* scores = op(*g, "Mul", {op(*g, "MatMul", {q, kt->output(0)}, "scores"), scalar(*g, "inv_sqrt_width", 0.25f)},
                         "scaled_scores");
  ir::Node* softmax = g->add_node("Softmax", {scores}, {"probs"}, "probs");
  softmax->attrs["axis"] = int64_t{-1};
  ir::Value* mixed = op(*g, "MatMul", {softmax->output(0), v}, "mixed");
  ir::Value* residual = op(*g, "Add", {x, linear(*g, mixed, kWidth, kWidth, "o", 40)}, "residual");
  ir::Value* h2 = layer_norm(*g, residual, "ln2", 3);
  ir::Value* hidden = gelu(*g, linear(*g, h2, kWidth, 2 * kWidth, "fc1", 50), form);
  g->add_output(op(*g, "Add", {residual, linear(*g, hidden, 2 * kWidth, kWidth, "fc2", 60)}, "y"));
  exec::infer_shapes(*g);
  return g;
}

std::unique_ptr<ir::Graph> multi_head_attention() {
  constexpr int64_t kHeads = 2;
  constexpr int64_t kHeadWidth = kWidth / kHeads;
  auto g = new_graph(13);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, kTokens, kWidth});
  auto reshape = [&](ir::Value* v, std::vector<int64_t> shape, const std::string& name) {
    const auto rank = static_cast<int64_t>(shape.size());
    ir::Value* target = g->add_constant(name + "_shape", ir::Tensor::from_vector<int64_t>({rank}, shape));
    return op(*g, "Reshape", {v, target}, name);
  };
  auto transpose = [&](ir::Value* v, std::vector<int64_t> perm, const std::string& name) {
    ir::Node* n = g->add_node("Transpose", {v}, {name}, name);
    n->attrs["perm"] = std::move(perm);
    return n->output(0);
  };
  auto heads = [&](const std::string& name, uint32_t seed, std::vector<int64_t> perm) {
    ir::Value* projected = op(*g, "MatMul", {x, add_random_constant(*g, name + "_w", {kWidth, kWidth}, seed)}, name);
    return transpose(reshape(projected, {1, kTokens, kHeads, kHeadWidth}, name + "_split"), std::move(perm), name + "_heads");
  };
  ir::Value* q = heads("q", 11, {0, 2, 1, 3});
  ir::Value* kt = heads("k", 21, {0, 2, 3, 1});
  ir::Value* v = heads("v", 31, {0, 2, 1, 3});
  ir::Value* scores = op(*g, "Mul", {op(*g, "MatMul", {q, kt}, "scores"), scalar(*g, "inv_sqrt_head", 0.35355339f)},
                         "scaled_scores");
  ir::Node* softmax = g->add_node("Softmax", {scores}, {"probs"}, "probs");
  softmax->attrs["axis"] = int64_t{-1};
  ir::Value* mixed = transpose(op(*g, "MatMul", {softmax->output(0), v}, "mixed"), {0, 2, 1, 3}, "merged_heads");
  ir::Value* merged = reshape(mixed, {1, kTokens, kWidth}, "merged");
  g->add_output(op(*g, "MatMul", {merged, add_random_constant(*g, "o_w", {kWidth, kWidth}, 41)}, "y"));
  exec::infer_shapes(*g);
  return g;
}

std::unique_ptr<ir::Graph> exported_layer_norm() {
  auto g = new_graph(13);
  ir::Value* x = g->add_input("x", ir::DType::Float32, {1, kTokens, kWidth});
  auto mean = [&](ir::Value* v, const std::string& name) {
    ir::Node* n = g->add_node("ReduceMean", {v}, {name}, name);
    n->attrs["axes"] = std::vector<int64_t>{-1};
    return n->output(0);
  };
  ir::Value* centred = op(*g, "Sub", {x, mean(x, "mean")}, "centred");
  ir::Value* squared = op(*g, "Pow", {centred, scalar(*g, "two", 2.0f)}, "squared");
  ir::Value* padded = op(*g, "Add", {mean(squared, "variance"), scalar(*g, "eps", 1e-5f)}, "padded");
  ir::Value* normalized = op(*g, "Div", {centred, op(*g, "Sqrt", {padded}, "std")}, "normalized");
  ir::Value* scaled = op(*g, "Mul", {normalized, add_random_constant(*g, "gamma", {kWidth}, 5)}, "scaled");
  ir::Value* shifted = op(*g, "Add", {scaled, add_random_constant(*g, "beta", {kWidth}, 6)}, "ln");
  g->add_output(op(*g, "MatMul", {shifted, add_random_constant(*g, "w", {kWidth, 8}, 7)}, "y"));
  exec::infer_shapes(*g);
  return g;
}

}  // namespace tinyc::passes::testing
