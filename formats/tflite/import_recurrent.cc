// UNIDIRECTIONAL_SEQUENCE_LSTM (int8 activations and weights, int16 cell state) -> the int8 LSTM of
// docs/ir.md: the per-gate tensors (input, forget, cell, output) become ONNX's W, R and B in the
// gate order i, o, f, c with one scale per gate, the cell state's power-of-two scale the
// cell_scale_log2 attribute (a cell_clip the cell_clip attribute), and the file's
// [time, batch, hidden] (or batch first) output the Reshape of Y [time, 1, batch, hidden] (or
// [batch, time, 1, hidden]). The LSTM starts from a zero state, as TFLM does after allocation.
#include <array>
#include <cmath>

#include "exec/int8_reference/int8_lstm.h"
#include "formats/tflite/import_ops.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

namespace q = exec::int8_reference;

constexpr size_t kFirstInputWeights = 1, kFirstRecurrentWeights = 5, kFirstBias = 12;
constexpr size_t kHiddenState = 18, kCellState = 19;

int32_t slot(const FileOp& op, size_t i) { return i < op.inputs.size() ? op.inputs[i] : -1; }

// The four gate tensors from `first` (TFLite's order) stacked in ONNX's order as one [1, 4 * rows,
// cols] constant, and each gate's scale in ONNX's order (1 when the file gives none).
struct Stacked {
  ir::Tensor data;
  std::array<float, 4> gate_scales{};
};
template <class T>
Stacked stack_gates(const FileOp& op, ImportContext& ctx, size_t first, int64_t rows, int64_t cols, const std::string& role) {
  Stacked s{ir::Tensor(ir::dtype_of<T>(), {1, 4 * rows, cols})};
  auto out = s.data.mutable_values<T>();
  for (size_t gate = 0; gate < 4; ++gate) {
    const int32_t t = required_input(op, ctx, first + gate, role);
    const FileTensor& f = ctx.tensor(t);
    if (!ctx.has_data(t) || ctx.dtype(t) != ir::dtype_of<T>() || ir::num_elements(f.shape) != rows * cols)
      throw InputError(ctx.describe(op) + ": the " + role + " must be " + std::string(ir::dtype_name(ir::dtype_of<T>())) +
                       " constants of " + std::to_string(rows * cols) + " values each");
    if (f.quant && f.quant->scale.size() != 1)
      throw InputError(ctx.describe(op) + ": the " + role + " must have one scale each (TFLite Micro reads one per gate)");
    s.gate_scales[static_cast<size_t>(q::kOnnxGateOf[gate])] = f.quant ? f.quant->scale[0] : 1.0f;
    const ir::Tensor data = ctx.file_data(t);
    const auto values = data.values<T>();
    std::copy(values.begin(), values.end(), out.begin() + q::kOnnxGateOf[gate] * rows * cols);
  }
  return s;
}

}  // namespace

void import_lstm(const FileOp& op, ImportContext& ctx) {
  const int32_t input = required_input(op, ctx, 0, "input");
  const int32_t output = single_output(op, ctx);
  const int32_t hidden_state = required_input(op, ctx, kHiddenState, "hidden state");
  const int32_t cell_state = required_input(op, ctx, kCellState, "cell state");
  if (ctx.dtype(input) != ir::DType::Int8 || ctx.tensor(cell_state).type != static_cast<int32_t>(fb::TensorType::INT16))
    throw InputError(ctx.describe(op) + ": tinyc reads the int8 LSTM (int8 input, int16 cell state) only");
  for (size_t i : {size_t{9}, size_t{10}, size_t{11}, size_t{16}, size_t{17}, size_t{20}, size_t{21}, size_t{22}, size_t{23}})
    if (slot(op, i) >= 0)
      throw InputError(ctx.describe(op) + ": peepholes, projection and layer normalization are not supported");
  const fb::UnidirectionalSequenceLSTMOptions* o = op.op->builtin_options_as_UnidirectionalSequenceLSTMOptions();
  if (!o || o->fused_activation_function() != fb::ActivationFunctionType::TANH || !(o->cell_clip() >= 0.0f))
    throw InputError(ctx.describe(op) + ": only a tanh LSTM with a cell_clip >= 0 is supported");
  require_same_quant(op, ctx, hidden_state, output);
  const FileTensor& x = ctx.tensor(input);
  const FileTensor& cell = ctx.tensor(cell_state);
  int cell_log2 = 0;
  const float cell_scale = cell.quant ? cell.quant->scale.at(0) : 0.0f;
  if (!(cell_scale > 0) || std::ldexp(1.0f, cell_log2 = static_cast<int>(std::lround(std::log2(cell_scale)))) != cell_scale)
    throw InputError(ctx.describe(op) + ": the cell state's scale must be a power of two");
  if (x.shape.size() != 3) throw InputError(ctx.describe(op) + ": the input must have rank 3");
  const bool time_major = o->time_major();
  const int64_t steps = x.shape[time_major ? 0 : 1], batch = x.shape[time_major ? 1 : 0], features = x.shape[2];
  const int64_t hidden = ir::num_elements(ctx.tensor(hidden_state).shape) / std::max<int64_t>(batch, 1);

  const Stacked w = stack_gates<int8_t>(op, ctx, kFirstInputWeights, hidden, features, "input weights");
  const Stacked r = stack_gates<int8_t>(op, ctx, kFirstRecurrentWeights, hidden, hidden, "recurrent weights");
  const Stacked b = stack_gates<int32_t>(op, ctx, kFirstBias, hidden, 1, "biases");
  ir::Tensor b_halves(ir::DType::Int32, {1, 8 * hidden});
  std::copy_n(b.data.values<int32_t>().begin(), 4 * hidden, b_halves.mutable_values<int32_t>().begin());
  const std::string base = ctx.tensor(output).name;
  const float x_scale = x.quant ? x.quant->scale.at(0) : 1.0f;
  std::array<float, 4> bias_scales = w.gate_scales;
  for (float& s : bias_scales) s *= x_scale;
  ir::Value* wv = ctx.constant("lstm_w:" + std::to_string(op.index), base + "/W", w.data, q::gate_row_quant(w.gate_scales, hidden));
  ir::Value* rv = ctx.constant("lstm_r:" + std::to_string(op.index), base + "/R", r.data, q::gate_row_quant(r.gate_scales, hidden));
  ir::Value* bv = ctx.constant("lstm_b:" + std::to_string(op.index), base + "/B", b_halves,
                               q::gate_row_quant(bias_scales, hidden, 2));
  const ir::Shape y_shape = time_major ? ir::Shape{steps, 1, batch, hidden} : ir::Shape{batch, steps, 1, hidden};
  ir::Node* lstm = ctx.intermediate("LSTM", {ctx.value(input), wv, rv, bv}, base + "/Y", ir::DType::Int8, y_shape,
                                    ctx.ir_quant(output));
  lstm->attrs["hidden_size"] = hidden;
  lstm->attrs["layout"] = int64_t{time_major ? 0 : 1};
  lstm->attrs[q::kCellScaleLog2Attribute] = int64_t{cell_log2};
  if (o->cell_clip() > 0) lstm->attrs[q::kCellClipAttribute] = o->cell_clip();
  ctx.define_from_file_order(lstm->output(0), output);
}

}  // namespace tinyc::tflite_format
