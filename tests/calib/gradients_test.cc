// The input gradients row synthesis descends along: each op's against central finite differences of
// the op itself (the executor's kernel), for every activation input.
#include "calib/gradients.h"

#include <catch2/catch.hpp>

#include "exec/evaluate.h"
#include "exec/shape_inference.h"

using namespace tinyc;
using namespace tinyc::calib;

namespace {

ir::Value* constant(ir::Graph& g, const std::string& name, ir::Shape shape, std::vector<float> values) {
  return g.add_constant(name, ir::Tensor::from_vector<float>(std::move(shape), values));
}

// Distinct values 0.1 apart in a scrambled order, shifted so some are negative: no two within a
// finite-difference step, none near a ReLU's kink at 0. `offset` gives another scramble.
std::vector<float> spread_values(size_t n, size_t offset = 0) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = 0.1f * static_cast<float>((i * 7 + 3 + offset) % n) - 0.1f * static_cast<float>(n / 2) + 0.05f;
  return v;
}

// Checks input_gradients of the graph's only node against finite differences, for each graph input.
void check_gradient(ir::Graph& g) {
  exec::infer_shapes(g);
  const ir::Node& node = *g.nodes().front();
  REQUIRE(has_input_gradient(node));
  std::vector<ir::Tensor> values;
  for (size_t k = 0; k < g.inputs().size(); ++k)
    values.push_back(ir::Tensor::from_vector<float>(
        *g.inputs()[k]->shape, spread_values(static_cast<size_t>(ir::num_elements(*g.inputs()[k]->shape)), 5 * k)));
  const auto node_inputs = [&](const std::vector<ir::Tensor>& at) {
    std::vector<const ir::Tensor*> inputs;
    for (const ir::Value* in : node.inputs()) {
      const auto k = std::find(g.inputs().begin(), g.inputs().end(), in) - g.inputs().begin();
      inputs.push_back(in == nullptr                             ? nullptr
                       : k < static_cast<std::ptrdiff_t>(at.size()) ? &at[static_cast<size_t>(k)]
                                                                    : &in->constant());
    }
    return inputs;
  };
  const ir::Tensor y = exec::evaluate_node(node, node_inputs(values), 13).front();
  const ir::Tensor dy = ir::Tensor::from_vector<float>(y.shape(), spread_values(static_cast<size_t>(y.num_elements()), 1));
  std::vector<const ir::Tensor*> activations = node_inputs(values);
  for (size_t i = 0; i < node.inputs().size(); ++i)
    if (node.input(i) && !node.input(i)->is_graph_input()) activations[i] = nullptr;
  const auto grads = input_gradients(node, activations, y, dy);
  // L(x) = sum dy * op(x) for fixed dy, differentiated by central differences.
  const auto loss = [&](const std::vector<ir::Tensor>& at) {
    const ir::Tensor out = exec::evaluate_node(node, node_inputs(at), 13).front();
    double sum = 0;
    for (size_t i = 0; i < out.values<float>().size(); ++i)
      sum += static_cast<double>(out.values<float>()[i]) * dy.values<float>()[i];
    return sum;
  };
  constexpr float kStep = 0.01f;
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    const ir::Value* in = node.input(i);
    if (!in || !in->is_graph_input()) {
      CHECK_FALSE(grads[i].has_value());
      continue;
    }
    const size_t k = static_cast<size_t>(std::find(g.inputs().begin(), g.inputs().end(), in) - g.inputs().begin());
    REQUIRE(grads[i].has_value());
    REQUIRE(grads[i]->shape() == values[k].shape());
    for (size_t e = 0; e < static_cast<size_t>(values[k].num_elements()); ++e) {
      std::vector<ir::Tensor> up = values, down = values;
      up[k].mutable_values<float>()[e] += kStep;
      down[k].mutable_values<float>()[e] -= kStep;
      INFO(node.op_type << " input " << i << " element " << e);
      CHECK(grads[i]->values<float>()[e] == Approx((loss(up) - loss(down)) / (2.0 * kStep)).epsilon(1e-3).margin(1e-3));
    }
  }
}

std::unique_ptr<ir::Graph> graph_with_input(ir::Shape shape) {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports[""] = 13;
  g->add_input("x", ir::DType::Float32, std::move(shape));
  return g;
}

ir::Node* add_window_node(ir::Graph& g, const std::string& op, std::vector<ir::Value*> inputs,
                          const std::vector<int64_t>& strides, const std::vector<int64_t>& pads) {
  ir::Node* n = g.add_node(op, std::move(inputs), {"y"}, "op");
  n->attrs["strides"] = strides;
  n->attrs["pads"] = pads;
  g.add_output(n->output(0));
  return n;
}

}  // namespace

TEST_CASE("input gradients of elementwise, reshaping and normalizing ops equal finite differences") {
  SECTION("Relu, Clip, Flatten, GlobalAveragePool, Softmax") {
    for (const char* op : {"Relu", "Clip", "Flatten", "GlobalAveragePool", "Softmax"}) {
      const auto g_owner = graph_with_input({2, 3, 2, 2});
      ir::Graph& g = *g_owner;
      ir::Value* x = g.inputs()[0];
      std::vector<ir::Value*> inputs{x};
      if (std::string(op) == "Clip")
        inputs = {x, g.add_constant("lo", ir::Tensor::scalar<float>(-0.52f)), g.add_constant("hi", ir::Tensor::scalar<float>(0.48f))};
      g.add_output(g.add_node(op, inputs, {"y"}, "op")->output(0));
      check_gradient(g);
    }
  }
  SECTION("BatchNormalization") {
    const auto g_owner = graph_with_input({2, 2, 2, 3});
      ir::Graph& g = *g_owner;
    g.add_output(g.add_node("BatchNormalization",
                            {g.inputs()[0], constant(g, "gamma", {2}, {0.5f, -2.0f}), constant(g, "beta", {2}, {1.0f, 0.3f}),
                             constant(g, "mean", {2}, {0.2f, -0.1f}), constant(g, "var", {2}, {1.5f, 0.25f})},
                            {"y"}, "op")
                      ->output(0));
    check_gradient(g);
  }
  SECTION("Pad (constant mode)") {
    const auto g_owner = graph_with_input({1, 2, 3, 2});
      ir::Graph& g = *g_owner;
    g.add_output(g.add_node("Pad",
                            {g.inputs()[0], g.add_constant("pads", ir::Tensor::from_vector<int64_t>(
                                                                       {8}, {0, 0, 1, 2, 0, 1, 2, 0}))},
                            {"y"}, "op")
                      ->output(0));
    check_gradient(g);
  }
  SECTION("Add of two activations, and of an activation and a broadcast constant") {
    for (bool two : {true, false}) {
      const auto g_owner = graph_with_input({2, 3, 2, 2});
      ir::Graph& g = *g_owner;
      ir::Value* other = two ? g.add_input("z", ir::DType::Float32, {2, 3, 2, 2}) : constant(g, "c", {3, 1, 1}, {1, 2, 3});
      g.add_output(g.add_node("Add", {two ? g.inputs()[0] : other, two ? other : g.inputs()[0]}, {"y"}, "op")->output(0));
      check_gradient(g);
    }
  }
}

TEST_CASE("input gradients of windowed and fully connected ops equal finite differences") {
  SECTION("Conv with stride, padding, dilation and a bias; grouped; depthwise") {
    struct Case {
      int64_t channels, outputs, group;
      std::vector<int64_t> strides, pads, dilations;
    };
    for (const Case& c : {Case{2, 3, 1, {2, 1}, {1, 0, 1, 1}, {1, 2}}, Case{4, 2, 2, {1, 1}, {1, 1, 1, 1}, {1, 1}},
                          Case{3, 3, 3, {2, 2}, {0, 1, 1, 0}, {1, 1}}}) {
      const auto g_owner = graph_with_input({2, c.channels, 5, 4});
      ir::Graph& g = *g_owner;
      const size_t weights = static_cast<size_t>(c.outputs * (c.channels / c.group) * 9);
      ir::Node* n = add_window_node(
          g, "Conv",
          {g.inputs()[0], constant(g, "w", {c.outputs, c.channels / c.group, 3, 3}, spread_values(weights, 2)),
           constant(g, "b", {c.outputs}, spread_values(static_cast<size_t>(c.outputs)))},
          c.strides, c.pads);
      n->attrs["dilations"] = c.dilations;
      n->attrs["group"] = c.group;
      check_gradient(g);
    }
  }
  SECTION("MaxPool and AveragePool with padding and stride, counting the padding or not") {
    for (int variant = 0; variant < 3; ++variant) {
      const auto g_owner = graph_with_input({2, 1, 5, 5});
      ir::Graph& g = *g_owner;
      ir::Node* n = add_window_node(g, variant == 0 ? "MaxPool" : "AveragePool", {g.inputs()[0]}, {2, 2}, {1, 1, 1, 1});
      n->attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
      if (variant == 2) n->attrs["count_include_pad"] = int64_t{1};
      check_gradient(g);
    }
  }
  SECTION("Gemm with transB, alpha and a bias; Gemm without transB; MatMul") {
    for (int variant = 0; variant < 3; ++variant) {
      const auto g_owner = graph_with_input({2, 4});
      ir::Graph& g = *g_owner;
      ir::Value* x = g.inputs()[0];
      const std::vector<float> w = spread_values(12);
      ir::Node* n = nullptr;
      if (variant == 0) {
        n = g.add_node("Gemm", {x, constant(g, "w", {3, 4}, w), constant(g, "b", {3}, {0.5f, -1.0f, 2.0f})}, {"y"}, "fc");
        n->attrs["transB"] = int64_t{1};
        n->attrs["alpha"] = 0.5f;
      } else {
        n = g.add_node(variant == 1 ? "Gemm" : "MatMul", {x, constant(g, "w", {4, 3}, w)}, {"y"}, "fc");
      }
      g.add_output(n->output(0));
      check_gradient(g);
    }
  }
}

TEST_CASE("ops without a gradient here are named as such") {
  const auto g_owner = graph_with_input({1, 4});
      ir::Graph& g = *g_owner;
  ir::Value* z = g.add_input("z", ir::DType::Float32, {1, 4});
  CHECK_FALSE(has_input_gradient(*g.add_node("Mul", {g.inputs()[0], z}, {"m"}, "mul")));
  CHECK_FALSE(has_input_gradient(*g.add_node("Gemm", {g.inputs()[0], z}, {"f"}, "fc")));  // activation weights
  const auto broadcast_owner = graph_with_input({1, 4});
      ir::Graph& broadcast = *broadcast_owner;
  ir::Value* row = broadcast.add_input("r", ir::DType::Float32, {1, 1});
  ir::Node* add = broadcast.add_node("Add", {broadcast.inputs()[0], row}, {"s"}, "add");
  exec::infer_shapes(broadcast);
  CHECK_FALSE(has_input_gradient(*add));  // an activation that broadcasts
}
