// The float twin of a quantized graph and the int8 / float-domain runs (see int8_test_util.h).
#include "int8_test_util.h"

#include <unordered_map>

namespace tinyc::int8_test {

ir::Tensor dequantize(const ir::Tensor& q, const ir::QuantParams& params) {
  const ir::Shape& shape = q.shape();
  const auto axis = static_cast<size_t>(params.axis);
  int64_t inner = 1;
  if (params.per_channel())
    for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  const std::vector<double> values = q.to_double();
  ir::Tensor out(ir::DType::Float32, shape);
  auto x = out.mutable_values<float>();
  for (size_t i = 0; i < values.size(); ++i) {
    const size_t c = params.per_channel() ? (i / static_cast<size_t>(inner)) % static_cast<size_t>(shape[axis]) : 0;
    x[i] = params.scale[c] * static_cast<float>(values[i] - static_cast<double>(params.zero_point[c]));
  }
  return out;
}

std::unique_ptr<ir::Graph> float_twin(const ir::Graph& quantized) {
  auto g = std::make_unique<ir::Graph>();
  g->opset_imports = quantized.opset_imports;
  std::unordered_map<const ir::Value*, ir::Value*> twin;
  for (const ir::Value* in : quantized.inputs()) {
    const bool is_quantized = in->dtype == ir::DType::Int8 && in->quant;
    twin[in] = g->add_input(in->name, is_quantized ? ir::DType::Float32 : in->dtype, *in->shape);
  }
  for (const ir::Value* c : quantized.constants())
    twin[c] = g->add_constant(c->name, c->quant ? dequantize(c->constant(), *c->quant) : c->constant());
  for (const ir::Node* n : quantized.topological_order()) {
    std::vector<ir::Value*> inputs;
    for (const ir::Value* in : n->inputs()) inputs.push_back(in ? twin.at(in) : nullptr);
    std::vector<std::string> outputs;
    for (const ir::Value* out : n->outputs()) outputs.push_back(out ? out->name : "");
    const bool border = n->op_type == "QuantizeLinear" || n->op_type == "DequantizeLinear";
    ir::Node* t = g->add_node(border ? "Identity" : n->op_type, inputs, outputs, n->name);
    t->attrs = n->attrs;
    for (size_t i = 0; i < n->outputs().size(); ++i)
      if (n->output(i)) twin[n->output(i)] = t->output(i);
  }
  for (const ir::Value* out : quantized.outputs()) g->add_output(twin.at(out));
  return g;
}

Int8s run_int8(const ir::Graph& graph, const std::vector<ir::Tensor>& inputs) {
  return int8_values(run(graph, inputs).at(0));
}

std::vector<int32_t> simulate_in_float(const ir::Graph& graph, const std::vector<ir::Tensor>& inputs) {
  std::vector<ir::Tensor> float_inputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::Value* v = graph.inputs()[i];
    float_inputs.push_back(v->quant ? dequantize(inputs[i], *v->quant) : inputs[i]);
  }
  const ir::Tensor y = run(*float_twin(graph), float_inputs).at(0);
  const ir::QuantParams& out = graph.outputs()[0]->quant.value();
  std::vector<int32_t> q;
  for (float v : y.values<float>())
    q.push_back(quant_test::reference_quantize(v, out.scale[0], static_cast<int32_t>(out.zero_point[0])));
  return q;
}

}  // namespace tinyc::int8_test
