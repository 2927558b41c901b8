// Builders for the .tflite tests' quantized graphs.
#include "quantized_graphs.h"

#include <limits>
#include <optional>
#include <random>

namespace tinyc::tflite_test {

ir::QuantParams per_tensor(float scale, int64_t zero_point) { return {{scale}, {zero_point}, 0}; }

ir::QuantParams per_channel(const std::vector<float>& scales, int64_t axis) {
  return {scales, std::vector<int64_t>(scales.size(), 0), axis};
}

QuantizedGraphBuilder::QuantizedGraphBuilder() : graph_(std::make_unique<ir::Graph>()) {
  graph_->name = "quantized";
  graph_->opset_imports[""] = 13;
}

ir::Value* QuantizedGraphBuilder::quantized_input(const std::string& name, const ir::Shape& shape,
                                                  const ir::QuantParams& q) {
  ir::Value* x = graph_->add_input(name, ir::DType::Float32, shape);
  return node("QuantizeLinear", {x}, name + "_q", shape, q)->output(0);
}

void QuantizedGraphBuilder::dequantized_output(ir::Value* v, const std::string& name) {
  ir::Node* n = graph_->add_node("DequantizeLinear", {v}, {name}, name + "_dequantize");
  n->output(0)->dtype = ir::DType::Float32;
  n->output(0)->shape = v->shape;
  graph_->add_output(n->output(0));
}

ir::Value* QuantizedGraphBuilder::int8_weights(const std::string& name, const ir::Shape& shape,
                                               const ir::QuantParams& q, int seed) {
  std::vector<int8_t> values(static_cast<size_t>(ir::num_elements(shape)));
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<int8_t>((seed * 7 + static_cast<int>(i) * 13) % 255 - 127);
  ir::Value* v = graph_->add_constant(name, ir::Tensor::from_vector<int8_t>(shape, values));
  v->quant = q;
  return v;
}

ir::Value* QuantizedGraphBuilder::int32_bias(const std::string& name, int64_t n, float input_scale,
                                             const ir::QuantParams& weight_q) {
  std::vector<int32_t> values;
  ir::QuantParams q;
  for (int64_t i = 0; i < n; ++i) {
    values.push_back(static_cast<int32_t>(100 * (i + 1) - 250));
    q.scale.push_back(input_scale * weight_q.scale[weight_q.scale.size() == 1 ? 0 : static_cast<size_t>(i)]);
    q.zero_point.push_back(0);
  }
  ir::Value* v = graph_->add_constant(name, ir::Tensor::from_vector<int32_t>({n}, values));
  v->quant = q;
  return v;
}

ir::Node* QuantizedGraphBuilder::node(const std::string& op, const std::vector<ir::Value*>& inputs,
                                      const std::string& out, const ir::Shape& out_shape,
                                      const std::optional<ir::QuantParams>& out_q) {
  ir::Node* n = graph_->add_node(op, inputs, {out}, out + "_node");
  n->output(0)->dtype = ir::DType::Int8;
  n->output(0)->shape = out_shape;
  n->output(0)->quant = out_q;
  return n;
}

void fuse(ir::Node* n, const std::string& name, float min, float max) {
  n->attrs["fused_activation"] = name;
  n->attrs["activation_min"] = min;
  n->attrs["activation_max"] = max;
}

std::unique_ptr<ir::Graph> small_cnn() {
  QuantizedGraphBuilder b;
  const ir::QuantParams in_q = per_tensor(1.0f / 255, -128);
  ir::Value* x = b.quantized_input("input", {1, 2, 6, 6}, in_q);

  const ir::QuantParams conv_wq = per_channel({0.01f, 0.02f, 0.015f, 0.03f});
  ir::Value* w = b.int8_weights("conv.weight", {4, 2, 3, 3}, conv_wq, 1);
  ir::Value* bias = b.int32_bias("conv.bias", 4, in_q.scale[0], conv_wq);
  const ir::QuantParams relu_q = per_tensor(0.05f, -128);
  ir::Node* conv = b.node("Conv", {x, w, bias}, "conv_out", {1, 4, 6, 6}, relu_q);
  conv->attrs["kernel_shape"] = std::vector<int64_t>{3, 3};
  conv->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
  fuse(conv, "Relu", 0.0f, std::numeric_limits<float>::infinity());

  ir::Node* pool = b.node("MaxPool", {conv->output(0)}, "pool_out", {1, 4, 3, 3}, relu_q);
  pool->attrs["kernel_shape"] = std::vector<int64_t>{2, 2};
  pool->attrs["strides"] = std::vector<int64_t>{2, 2};
  ir::Node* flat = b.node("Flatten", {pool->output(0)}, "flat", {1, 36}, relu_q);
  flat->attrs["axis"] = int64_t{1};

  const ir::QuantParams fc_wq = per_channel({0.004f, 0.005f, 0.006f, 0.007f, 0.008f});
  ir::Value* fw = b.int8_weights("fc.weight", {5, 36}, fc_wq, 2);
  ir::Value* fb = b.int32_bias("fc.bias", 5, relu_q.scale[0], fc_wq);
  ir::Node* gemm = b.node("Gemm", {flat->output(0), fw, fb}, "logits", {1, 5}, per_tensor(0.1f, 3));
  gemm->attrs["transB"] = int64_t{1};
  ir::Node* softmax = b.node("Softmax", {gemm->output(0)}, "probs", {1, 5}, per_tensor(1.0f / 256, -128));
  b.dequantized_output(softmax->output(0), "output");
  return b.take();
}

std::unique_ptr<ir::Graph> slice_graph() {
  QuantizedGraphBuilder b;
  const ir::QuantParams in_q = per_tensor(0.02f, -5);
  ir::Value* x = b.quantized_input("input", {1, 3, 5, 6}, in_q);
  auto ints = [&](const std::string& name, const std::vector<int64_t>& values) {
    return b.graph().add_constant(name, ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(values.size())}, values));
  };
  ir::Node* slice = b.node("Slice",
                           {x, ints("starts", {-1, 1, 4}), ints("ends", {-100, 4, 1000}), ints("axes", {1, 2, 3}),
                            ints("steps", {-1, 2, 1})},
                           "slice", {1, 3, 2, 2}, in_q);
  const ir::QuantParams wq = per_channel(channel_scales(2));
  ir::Node* conv = b.node("Conv", {slice->output(0), b.int8_weights("w", {2, 3, 1, 1}, wq, 3), b.int32_bias("b", 2, 0.02f, wq)},
                          "conv", {1, 2, 2, 2}, per_tensor(0.03f, 1));
  conv->attrs["kernel_shape"] = std::vector<int64_t>{1, 1};
  b.dequantized_output(conv->output(0), "output");
  return b.take();
}

std::unique_ptr<ir::Graph> split_graph() {
  QuantizedGraphBuilder b;
  const ir::QuantParams in_q = per_tensor(0.02f, -5);
  ir::Value* x = b.quantized_input("input", {1, 4, 5, 6}, in_q);
  ir::Graph& g = b.graph();
  auto split = [&](ir::Value* v, int64_t axis, const std::vector<int64_t>& sizes, const std::vector<std::string>& names) {
    ir::Node* n = g.add_node("Split", {v, g.add_constant(names[0] + "_sizes", ir::Tensor::from_vector<int64_t>({2}, sizes))},
                             names, names[0] + "_split");
    n->attrs["axis"] = axis;
    for (size_t i = 0; i < names.size(); ++i) {
      ir::Shape shape = *v->shape;
      shape[static_cast<size_t>(axis)] = sizes[i];
      n->output(i)->dtype = ir::DType::Int8;
      n->output(i)->shape = shape;
      n->output(i)->quant = in_q;
    }
    return n;
  };
  ir::Node* columns = split(x, 3, {2, 4}, {"a", "b"});
  ir::Node* channels = split(columns->output(1), 1, {2, 2}, {"c", "d"});
  ir::Node* sum = b.node("Add", {channels->output(0), channels->output(1)}, "sum", {1, 2, 5, 4}, per_tensor(0.04f, 0));
  const ir::QuantParams wq = per_channel(channel_scales(2));
  ir::Node* conv = b.node("Conv", {columns->output(0), b.int8_weights("w", {2, 4, 1, 1}, wq, 4), b.int32_bias("bias", 2, 0.02f, wq)},
                          "conv", {1, 2, 5, 2}, per_tensor(0.04f, 0));
  conv->attrs["kernel_shape"] = std::vector<int64_t>{1, 1};
  ir::Node* joined = b.node("Concat", {sum->output(0), conv->output(0)}, "joined", {1, 2, 5, 6}, per_tensor(0.04f, 0));
  joined->attrs["axis"] = int64_t{3};
  b.dequantized_output(joined->output(0), "output");
  return b.take();
}

namespace {

// input float `input` -> Q (in_q) -> `op` over it and `operands` (constants; nullptr = omitted)
// with `attrs` -> `name` of shape `output` (out_q) -> DQ -> output.
std::unique_ptr<ir::Graph> one_op_graph(const std::string& op, const ir::Shape& input, const ir::QuantParams& in_q,
                                        const std::vector<std::optional<ir::Tensor>>& operands, const std::string& name,
                                        const ir::Shape& output, const ir::QuantParams& out_q, const ir::Attributes& attrs) {
  QuantizedGraphBuilder b;
  std::vector<ir::Value*> inputs{b.quantized_input("input", input, in_q)};
  for (size_t i = 0; i < operands.size(); ++i)
    inputs.push_back(operands[i] ? b.graph().add_constant(name + "_operand" + std::to_string(i + 1), *operands[i]) : nullptr);
  ir::Node* n = b.node(op, inputs, name, output, out_q);
  n->attrs = attrs;
  b.dequantized_output(n->output(0), "output");
  return b.take();
}

}  // namespace

std::unique_ptr<ir::Graph> reduce_max_graph(const std::string& op, const ir::Shape& output, const ir::Attributes& attrs) {
  const ir::QuantParams q = per_tensor(0.02f, -5);
  return one_op_graph(op, {1, 3, 5, 6}, q, {}, "reduced", output, q, attrs);
}

std::unique_ptr<ir::Graph> softmax_graph(const ir::Shape& input, int64_t axis) {
  return one_op_graph("Softmax", input, per_tensor(0.05f, -5), {}, "probabilities", input, per_tensor(1.0f / 256, -128),
                      {{"axis", axis}});
}

std::unique_ptr<ir::Graph> gather_graph(const ir::Shape& input, int64_t axis, const ir::Tensor& indices, const ir::Shape& output) {
  const ir::QuantParams q = per_tensor(0.02f, -5);
  return one_op_graph("Gather", input, q, {indices}, "gathered", output, q, {{"axis", axis}});
}

std::unique_ptr<ir::Graph> resize_graph(const ir::Shape& input, const ir::Shape& sizes, const ir::Attributes& attrs) {
  const ir::QuantParams q = per_tensor(0.02f, -5);
  const ir::Tensor size_values = ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(sizes.size())}, sizes);
  return one_op_graph("Resize", input, q, {std::nullopt, std::nullopt, size_values}, "resized", sizes, q, attrs);
}

std::vector<float> channel_scales(int64_t n) {
  std::vector<float> s;
  for (int64_t c = 0; c < n; ++c) s.push_back(0.01f + 0.002f * static_cast<float>(c % 5));
  return s;
}

ir::Tensor uniform_rows(ir::Shape shape, int64_t rows, float low, float high, uint32_t seed) {
  shape[0] = rows;
  ir::Tensor t(ir::DType::Float32, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  for (float& v : t.mutable_values<float>()) v = uniform(rng);
  return t;
}

std::unique_ptr<ir::Graph> conv_graph(const ir::Shape& input, const ir::Shape& weights, const ir::Shape& output,
                                      const ir::QuantParams& weight_q, const std::function<void(ir::Node*)>& configure) {
  const ir::QuantParams input_q = per_tensor(0.02f, -5);
  QuantizedGraphBuilder b;
  ir::Value* x = b.quantized_input("input", input, input_q);
  ir::Value* w = b.int8_weights("w", weights, weight_q, 7);
  ir::Value* bias = b.int32_bias("b", weights[0], input_q.scale[0], weight_q);
  ir::Node* conv = b.node("Conv", {x, w, bias}, "y", output, per_tensor(0.04f, 3));
  conv->attrs["kernel_shape"] = std::vector<int64_t>{weights[2], weights[3]};
  configure(conv);
  b.dequantized_output(conv->output(0), "output");
  return b.take();
}

}  // namespace tinyc::tflite_test
