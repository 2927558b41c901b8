// Builders and row helpers for the .tflite import tests (see import_test_graphs.h).
#include "import_test_graphs.h"

#include <limits>
#include <random>

#include "exec/executor.h"
#include "exec/int8_reference/quant_math.h"
#include "ir/error.h"
#include "quantized_graphs.h"

namespace tinyc::tflite_test {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// A Conv node with its int8 weights (per channel) and int32 bias.
ir::Node* conv(QuantizedGraphBuilder& b, ir::Value* x, const std::string& name, const ir::Shape& weights,
               const ir::Shape& out, const ir::QuantParams& out_q, int seed) {
  std::vector<float> scales;
  for (int64_t c = 0; c < weights[0]; ++c) scales.push_back(0.004f + 0.001f * static_cast<float>(c % 5));
  const ir::QuantParams wq = per_channel(scales);
  ir::Value* w = b.int8_weights(name + ".weight", weights, wq, seed);
  ir::Value* bias = b.int32_bias(name + ".bias", weights[0], x->quant->scale[0], wq);
  ir::Node* n = b.node("Conv", {x, w, bias}, name, out, out_q);
  n->attrs["kernel_shape"] = std::vector<int64_t>{weights[2], weights[3]};
  return n;
}

// A Gemm (transB = 1) with per-channel int8 weights and an int32 bias.
ir::Node* gemm(QuantizedGraphBuilder& b, ir::Value* x, const std::string& name, int64_t units, int64_t depth,
               const ir::QuantParams& out_q, int seed) {
  std::vector<float> scales;
  for (int64_t u = 0; u < units; ++u) scales.push_back(0.003f + 0.0005f * static_cast<float>(u % 7));
  const ir::QuantParams wq = per_channel(scales);
  ir::Value* w = b.int8_weights(name + ".weight", {units, depth}, wq, seed);
  ir::Value* bias = b.int32_bias(name + ".bias", units, x->quant->scale[0], wq);
  ir::Node* n = b.node("Gemm", {x, w, bias}, name, {x->shape->at(0), units}, out_q);
  n->attrs["transB"] = int64_t{1};
  return n;
}

}  // namespace

std::unique_ptr<ir::Graph> depthwise_pool_graph() {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 3, 8, 8}, per_tensor(0.02f, -3));
  ir::Node* dw = conv(b, x, "dw", {6, 1, 3, 3}, {1, 6, 4, 4}, per_tensor(6.0f / 255, -128), 1);
  dw->attrs["group"] = int64_t{3};
  dw->attrs["strides"] = std::vector<int64_t>{2, 2};
  dw->attrs["pads"] = std::vector<int64_t>{0, 0, 1, 1};
  fuse(dw, "Relu6", 0.0f, 6.0f);
  ir::Node* dilated = conv(b, dw->output(0), "dilated", {4, 6, 3, 3}, {1, 4, 4, 4}, per_tensor(0.05f, 10), 2);
  dilated->attrs["dilations"] = std::vector<int64_t>{2, 2};
  dilated->attrs["pads"] = std::vector<int64_t>{2, 2, 2, 2};
  ir::Node* pool = b.node("AveragePool", {dilated->output(0)}, "pooled", {1, 4, 2, 2}, per_tensor(0.05f, 10));
  pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  pool->attrs["strides"] = std::vector<int64_t>{2, 2};
  b.dequantized_output(pool->output(0), "output");
  return b.take();
}

std::unique_ptr<ir::Graph> add_mul_concat_graph() {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 2, 5, 5}, per_tensor(0.03f, 5));
  ir::Node* a = conv(b, x, "branch_a", {4, 2, 1, 1}, {1, 4, 5, 5}, per_tensor(0.04f, -10), 3);
  ir::Node* c = conv(b, x, "branch_b", {4, 2, 3, 3}, {1, 4, 5, 5}, per_tensor(0.05f, 3), 4);
  c->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  ir::Node* sum = b.node("Add", {a->output(0), c->output(0)}, "sum", {1, 4, 5, 5}, per_tensor(0.06f, -128));
  fuse(sum, "Relu", 0.0f, kInf);
  ir::Value* factor = b.graph().add_constant("factor", ir::Tensor::from_vector<int8_t>({1, 4, 1, 1}, {50, -70, 90, 127}));
  factor->quant = per_tensor(0.02f, 0);
  ir::Node* prod = b.node("Mul", {sum->output(0), factor}, "prod", {1, 4, 5, 5}, per_tensor(0.08f, -20));
  ir::Node* cat = b.node("Concat", {prod->output(0), c->output(0)}, "cat", {1, 8, 5, 5}, per_tensor(0.08f, -20));
  cat->attrs["axis"] = int64_t{1};
  ir::Node* sig = b.node("Sigmoid", {cat->output(0)}, "sig", {1, 8, 5, 5}, per_tensor(1.0f / 256, -128));
  ir::Node* th = b.node("Tanh", {sum->output(0)}, "th", {1, 4, 5, 5}, per_tensor(1.0f / 128, 0));
  b.dequantized_output(sig->output(0), "output");
  b.dequantized_output(th->output(0), "output_tanh");
  return b.take();
}

std::unique_ptr<ir::Graph> pad_transpose_mean_graph() {
  QuantizedGraphBuilder b;
  const ir::QuantParams q = per_tensor(0.02f, 0);
  ir::Value* x = b.quantized_input("input", {1, 3, 4, 5}, q);
  ir::Value* pads = b.graph().add_constant("pads", ir::Tensor::from_vector<int64_t>({8}, {0, 0, 1, 2, 0, 0, 0, 1}));
  ir::Node* pad = b.node("Pad", {x, pads}, "padded", {1, 3, 5, 8}, q);
  ir::Node* tr = b.node("Transpose", {pad->output(0)}, "swapped", {1, 3, 8, 5}, q);
  tr->attrs["perm"] = std::vector<int64_t>{0, 1, 3, 2};
  ir::Node* mean = b.node("ReduceMean", {tr->output(0)}, "mean", {1, 3, 1, 5}, per_tensor(0.01f, 3));
  mean->attrs["axes"] = std::vector<int64_t>{2};
  mean->attrs["keepdims"] = int64_t{1};
  ir::Node* flat = b.node("Flatten", {mean->output(0)}, "flat", {1, 15}, per_tensor(0.01f, 3));
  flat->attrs["axis"] = int64_t{1};
  ir::Node* fc = gemm(b, flat->output(0), "fc", 6, 15, per_tensor(0.02f, -7), 5);
  b.dequantized_output(fc->output(0), "output");
  return b.take();
}

std::unique_ptr<ir::Graph> reshape_layout_graph() {
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", {1, 12}, per_tensor(0.05f, 2));
  ir::Node* fc = gemm(b, x, "fc", 24, 12, per_tensor(0.1f, 0), 6);
  ir::Value* shape = b.graph().add_constant("grid_shape", ir::Tensor::from_vector<int64_t>({4}, {1, 2, 3, 4}));
  ir::Node* grid = b.node("Reshape", {fc->output(0), shape}, "grid", {1, 2, 3, 4}, per_tensor(0.1f, 0));
  ir::Node* mix = conv(b, grid->output(0), "mix", {3, 2, 1, 1}, {1, 3, 3, 4}, per_tensor(0.07f, 1), 7);
  ir::Node* flat = b.node("Flatten", {mix->output(0)}, "flat", {1, 36}, per_tensor(0.07f, 1));
  flat->attrs["axis"] = int64_t{1};
  ir::Node* softmax = b.node("Softmax", {flat->output(0)}, "probs", {1, 36}, per_tensor(1.0f / 256, -128));
  softmax->attrs["axis"] = int64_t{-1};
  b.dequantized_output(softmax->output(0), "output");
  return b.take();
}

std::unique_ptr<ir::Graph> clamp_graph() {
  QuantizedGraphBuilder b;
  const ir::QuantParams q = per_tensor(0.05f, 0);
  ir::Value* x = b.quantized_input("input", {1, 2, 4, 4}, q);
  ir::Node* pool = b.node("MaxPool", {x}, "pooled", {1, 2, 2, 2}, q);
  pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  pool->attrs["strides"] = std::vector<int64_t>{2, 2};
  ir::Node* relu = b.node("Relu", {pool->output(0)}, "relu", {1, 2, 2, 2}, q);
  ir::Value* lo = b.graph().add_constant("clip_min", ir::Tensor::scalar<float>(0.0f));
  ir::Value* hi = b.graph().add_constant("clip_max", ir::Tensor::scalar<float>(6.0f));
  ir::Node* clip = b.node("Clip", {relu->output(0), lo, hi}, "clipped", {1, 2, 2, 2}, q);
  b.dequantized_output(clip->output(0), "output");
  return b.take();
}

std::vector<NamedGraph> import_test_graphs() {
  std::vector<NamedGraph> graphs;
  graphs.push_back({"small_cnn", small_cnn()});
  graphs.push_back({"depthwise_pool", depthwise_pool_graph()});
  graphs.push_back({"add_mul_concat", add_mul_concat_graph()});
  graphs.push_back({"pad_transpose_mean", pad_transpose_mean_graph()});
  graphs.push_back({"reshape_layout", reshape_layout_graph()});
  graphs.push_back({"clamp", clamp_graph()});
  return graphs;
}

ir::Tensor random_rows(const ir::Graph& g, size_t input, int64_t rows, uint32_t seed) {
  const ir::Value* x = g.inputs().at(input);
  if (x->uses().empty() || !x->uses().front().node->output(0)->quant)
    throw InternalError("random_rows: input '" + x->name + "' does not feed a QuantizeLinear");
  const ir::QuantParams& q = *x->uses().front().node->output(0)->quant;
  const float lo = q.scale[0] * static_cast<float>(exec::int8_reference::kInt8Min - q.zero_point[0]);
  const float hi = q.scale[0] * static_cast<float>(exec::int8_reference::kInt8Max - q.zero_point[0]);
  const float margin = (hi - lo) / 10;
  ir::Shape shape = *x->shape;
  shape[0] = rows;
  ir::Tensor t(ir::DType::Float32, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo - margin, hi + margin);
  for (float& v : t.mutable_values<float>()) v = dist(rng);
  return t;
}

std::vector<ir::Tensor> run_graph(const ir::Graph& g, const std::vector<ir::Tensor>& inputs) {
  exec::Executor executor(g);
  return executor.run(inputs);
}

}  // namespace tinyc::tflite_test
