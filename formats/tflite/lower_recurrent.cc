// int8 LSTM -> UNIDIRECTIONAL_SEQUENCE_LSTM: the ONNX W, R and B split into TFLite's per-gate
// tensors (input, forget, cell, output; one weight scale each), the two bias halves summed, the
// hidden state (int8, the output's parameters) and the cell state (int16 at 2^cell_scale_log2) as
// variable tensors TFLM keeps across steps and resets to 0 (the zero point) on allocation, and a
// RESHAPE from TFLite's [time, batch, hidden] (or batch first) output to ONNX's Y with its
// directions dim (and a TRANSPOSE when an NHWC op also reads Y, which then is held NHWC).
#include <cmath>

#include "exec/int8_reference/int8_lstm.h"
#include "exec/shape/recurrent.h"
#include "formats/tflite/lowering.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

namespace q = exec::int8_reference;

constexpr size_t kLstmInputs = 24;
constexpr size_t kFirstInputWeights = 1, kFirstRecurrentWeights = 5, kFirstBias = 12;
constexpr size_t kHiddenState = 18, kCellState = 19;
constexpr const char* kGateNames[] = {"input", "forget", "cell", "output"};
constexpr int32_t kLstmVersion = 1;  // 8-bit activations and weights, 16-bit cell state

ir::QuantParams one_scale(float scale) { return {{scale}, {0}, 0}; }

q::LstmParams int8_params(const ir::Node& node) {
  const exec::shape::RecurrentGeometry g = exec::shape::recurrent_geometry(node);
  try {
    return q::prepare_lstm({g.seq, g.batch, g.input, g.hidden, !g.batch_first}, node);
  } catch (const InputError& e) {
    throw InputError(describe(node) + ": " + e.what());
  }
}

}  // namespace

void lower_lstm(const ir::Node& node, LoweringContext& ctx) {
  const q::LstmParams p = int8_params(node);
  const q::LstmGeometry& g = p.geometry;
  const ValueTensor x = ctx.input(node.input(0));
  if (x.layout != Layout::Plain) throw InputError(describe(node) + ": X must be held in the IR's order");
  const float x_scale = quant_of(node, node.input(0)).scale.at(0);
  const ir::QuantParams& y_q = quant_of(node, node.output(0));
  std::vector<int32_t> inputs(kLstmInputs, -1);
  inputs[0] = x.index;
  for (size_t gate = 0; gate < 4; ++gate) {
    const q::LstmGate& w = p.gates[gate];
    const std::string name = node.name + "/" + kGateNames[gate];
    inputs[kFirstInputWeights + gate] =
        ctx.constant(name + "_input_weights", ir::Tensor::from_vector<int8_t>({g.hidden, g.input}, w.input_weights),
                     one_scale(w.input_scale));
    inputs[kFirstRecurrentWeights + gate] =
        ctx.constant(name + "_recurrent_weights",
                     ir::Tensor::from_vector<int8_t>({g.hidden, g.hidden}, w.recurrent_weights), one_scale(w.recurrent_scale));
    inputs[kFirstBias + gate] = ctx.constant(name + "_bias", ir::Tensor::from_vector<int32_t>({g.hidden}, w.bias),
                                             one_scale(x_scale * w.input_scale));
  }
  inputs[kHiddenState] = ctx.variable(node.name + "/hidden_state", ir::DType::Int8, {g.batch, g.hidden}, y_q);
  inputs[kCellState] = ctx.variable(node.name + "/cell_state", ir::DType::Int16, {g.batch, g.hidden},
                                    one_scale(std::ldexp(1.0f, p.cell_scale_log2)));
  const ir::Shape steps_shape = g.time_major ? ir::Shape{g.steps, g.batch, g.hidden} : ir::Shape{g.batch, g.steps, g.hidden};
  const int32_t steps = ctx.intermediate(node.name + "/steps", ir::DType::Int8, steps_shape, y_q);
  fb::UnidirectionalSequenceLSTMOptionsT o;
  o.fused_activation_function = fb::ActivationFunctionType::TANH;
  o.time_major = g.time_major;
  o.cell_clip = node.attr_float(q::kCellClipAttribute, 0.0f);
  fb::BuiltinOptionsUnion options;
  options.Set(std::move(o));
  ctx.add_op(fb::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM, std::move(inputs), {steps}, std::move(options),
             kLstmVersion);
  const ir::Value* y = node.output(0);
  const ir::Shape& y_shape = shape_of(node, y);
  if (ctx.layout_of_output(y) != Layout::Nhwc) {
    add_reshape(ctx, node, steps, ctx.define(y), y_shape);
    return;
  }
  const int32_t ir_order = ctx.intermediate(node.name + "/y_ir_order", ir::DType::Int8, y_shape, y_q);
  add_reshape(ctx, node, steps, ir_order, y_shape);
  add_transpose(ctx, node, ir_order, ctx.define(y), {0, 2, 3, 1});
}

}  // namespace tinyc::tflite_format
