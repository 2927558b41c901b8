// Dequantized constants and fake-quantized activations.
#include "calib/simulate.h"

#include <vector>

#include "exec/evaluate.h"
#include "exec/int8_reference/quant_math.h"
#include "exec/shape_inference.h"
#include "ir/dequantize.h"

namespace tinyc::calib {

namespace {

// ONNX TensorProto element types, for Cast's `to`.
constexpr int64_t kOnnxFloat = 1;
constexpr int64_t kOnnxInt32 = 6;
// Added before truncating so every clamped value is positive and truncation rounds half up.
constexpr float kRoundingOffset = 256.0f;

ir::Value* scalar(ir::Graph& g, const std::string& base, float v) {
  return g.add_constant(g.unique_value_name(base), ir::Tensor::scalar<float>(v));
}

// Rounds v to its int8 grid; the rounded value takes v's name and v's readers. With the supported
// float ops: steps = clip(v / s, -128 - z, 127 - z), then a Cast to int32 of steps + 256.5
// (truncation of a positive number), back to float, minus 256, times s.
void fake_quantize(ir::Graph& g, ir::Value* v, int64_t opset) {
  const exec::int8_reference::AffineParams p = exec::int8_reference::per_tensor(*v->quant, "activation '" + v->name + "'");
  const std::vector<ir::Use> uses = v->uses();
  const std::string name = v->name;
  g.rename_value(v, g.unique_value_name(name + "_unrounded"));
  v->dtype = ir::DType::Float32;
  v->quant.reset();
  ir::Value* x = v;
  const std::string base = name + "_grid";
  const auto step = [&](const std::string& op, std::vector<ir::Value*> operands, const std::string& suffix) {
    operands.insert(operands.begin(), x);
    ir::Node* n = g.add_node(op, operands, {suffix == "" ? name : g.unique_value_name(base + suffix)},
                             g.unique_node_name(name + "_" + op));
    x = n->output(0);
    return n;
  };
  const auto qmin = static_cast<float>(exec::int8_reference::kInt8Min - p.zero_point);
  const auto qmax = static_cast<float>(exec::int8_reference::kInt8Max - p.zero_point);
  step("Div", {scalar(g, base + "_scale", p.scale)}, "_steps");
  ir::Node* clip = step("Clip", {}, "_clamped");
  if (opset >= 11) {
    g.set_node_input(clip, 1, scalar(g, base + "_qmin", qmin));
    g.set_node_input(clip, 2, scalar(g, base + "_qmax", qmax));
  } else {
    clip->attrs["min"] = qmin;
    clip->attrs["max"] = qmax;
  }
  step("Add", {scalar(g, base + "_offset", kRoundingOffset + 0.5f)}, "_shifted");
  step("Cast", {}, "_integer")->attrs["to"] = kOnnxInt32;
  step("Cast", {}, "_rounded")->attrs["to"] = kOnnxFloat;
  step("Sub", {scalar(g, base + "_unoffset", kRoundingOffset)}, "_steps_rounded");
  step("Mul", {scalar(g, base + "_unscale", p.scale)}, "");
  for (const ir::Use& u : uses) g.set_node_input(u.node, u.input_index, x);
}

}  // namespace

std::unique_ptr<ir::Graph> simulate_in_float(const ir::Graph& quantized) {
  std::unique_ptr<ir::Graph> g = quantized.clone();
  for (ir::Value* c : g->constants()) {
    if (!c->quant || !ir::is_integer(c->dtype)) continue;
    const ir::QuantParams qp = *c->quant;
    g->set_constant(c, ir::Tensor::from_vector<float>(c->constant().shape(), ir::dequantize(c->constant(), qp)));
    c->quant.reset();
  }
  const int64_t opset = exec::model_opset(*g);
  for (ir::Node* n : g->topological_order()) {
    if (n->op_type == "QuantizeLinear" || n->op_type == "DequantizeLinear") n->op_type = "Identity";
    for (ir::Value* out : n->outputs()) {
      if (!out || out->dtype != ir::DType::Int8) continue;
      if (!out->quant) throw InternalError("int8 activation '" + out->name + "' has no quantization parameters");
      fake_quantize(*g, out, opset);
    }
  }
  exec::infer_shapes(*g);
  return g;
}

}  // namespace tinyc::calib
