// int8 LSTM, TFLM's UNIDIRECTIONAL_SEQUENCE_LSTM integer arithmetic (lstm_eval.h, lstm_eval_common.cc).
#include "exec/int8_reference/int8_lstm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "exec/int8_reference/int16_activation.h"
#include "ir/error.h"
#include "ir/value.h"

namespace tinyc::exec::int8_reference {

namespace {

constexpr float kGatePreactivationScale = 1.0f / 4096;  // Q3.12
constexpr float kGateScale = 1.0f / 32768;              // Q0.15
constexpr int kGatePreactivationLog2 = -12;
constexpr int32_t kInt16Min = std::numeric_limits<int16_t>::min();
constexpr int32_t kInt16Max = std::numeric_limits<int16_t>::max();

int16_t saturate16(int32_t v) { return static_cast<int16_t>(std::clamp(v, kInt16Min, kInt16Max)); }

// The one scale of gate `onnx_gate`'s rows; InputError when they differ.
float gate_scale(const ir::QuantParams& q, int64_t onnx_gate, int64_t hidden, const std::string& what) {
  if (q.scale.size() == 1) return q.scale[0];
  if (q.scale.size() != static_cast<size_t>(4 * hidden))
    throw InputError("the int8 LSTM's " + what + " needs one scale per gate row, got " +
                     std::to_string(q.scale.size()) + " scales");
  const auto first = static_cast<size_t>(onnx_gate * hidden);
  for (int64_t j = 1; j < hidden; ++j)
    if (q.scale[first + static_cast<size_t>(j)] != q.scale[first])
      throw InputError("the int8 LSTM's " + what + " has several scales within one gate; TFLite Micro reads one per gate");
  if (!(q.scale[first] > 0) || !std::isfinite(q.scale[first]))
    throw InputError("the int8 LSTM's " + what + " has a scale that is not finite and positive");
  return q.scale[first];
}

// TFLite's FullyConnected multiplier: the float product of the two scales over the output scale.
QuantizedMultiplier fc_multiplier(float input_scale, float weight_scale) {
  const float product = input_scale * weight_scale;
  return quantize_multiplier(static_cast<double>(product) / static_cast<double>(kGatePreactivationScale));
}

// TFLite's inter-gate Mul multiplier.
QuantizedMultiplier mul_multiplier(float a, float b, float out) {
  return quantize_multiplier(static_cast<double>(a) * static_cast<double>(b) / static_cast<double>(out));
}

// rows x depth int8 weights times (x - zero_point) onto Q3.12 (plus the bias when given), saturated.
void fully_connected_q12(std::span<const int8_t> weights, int64_t rows, std::span<const int8_t> x, int32_t zero_point,
                         const std::vector<int32_t>* bias, QuantizedMultiplier m, int16_t* out) {
  const auto depth = static_cast<int64_t>(x.size());
  for (int64_t j = 0; j < rows; ++j) {
    int32_t acc = 0;
    const int8_t* w = weights.data() + j * depth;
    for (int64_t k = 0; k < depth; ++k) acc += static_cast<int32_t>(w[k]) * (static_cast<int32_t>(x[static_cast<size_t>(k)]) - zero_point);
    if (bias) acc += (*bias)[static_cast<size_t>(j)];
    out[j] = saturate16(multiply_by_quantized_multiplier(acc, m));
  }
}

// The work rows of one step: four gates, the recurrent product and tanh of the cell state.
struct StepBuffers {
  std::array<std::vector<int16_t>, 4> gate;
  std::vector<int16_t> recurrent;
  std::vector<int16_t> tanh_cell;
};

// Gate g of one step: both FullyConnected layers, their saturating sum, the activation.
void gate_output(const LstmParams& p, size_t g, std::span<const int8_t> x, std::span<const int8_t> h, StepBuffers& s) {
  const LstmGate& gate = p.gates[g];
  const int64_t n = p.geometry.hidden;
  int16_t* out = s.gate[g].data();
  fully_connected_q12(gate.input_weights, n, x, p.input_zero_point, &gate.bias, gate.input_multiplier, out);
  fully_connected_q12(gate.recurrent_weights, n, h, p.hidden_zero_point, nullptr, gate.recurrent_multiplier,
                      s.recurrent.data());
  for (int64_t j = 0; j < n; ++j) out[j] = saturate16(int32_t{out[j]} + s.recurrent[static_cast<size_t>(j)]);
  if (g == kCellGate)
    tanh_int16(tanh_rescale(kGatePreactivationLog2), s.gate[g], s.gate[g]);
  else
    logistic_int16(s.gate[g], s.gate[g]);
}

int32_t multiply(int16_t a, int16_t b, QuantizedMultiplier m) {
  return multiply_by_quantized_multiplier(int32_t{a} * int32_t{b}, m);
}

// One step: x_t and h_(t-1) in, c updated in place, h_t written to `h`.
void step(const LstmParams& p, std::span<const int8_t> x, std::span<int8_t> h, std::span<int16_t> c, StepBuffers& s) {
  for (size_t g : {kForgetGate, kInputGate, kCellGate, kOutputGate}) gate_output(p, g, x, h, s);
  for (size_t j = 0; j < c.size(); ++j) {
    const int16_t kept = saturate16(multiply(s.gate[kForgetGate][j], c[j], p.forget_times_cell));
    const int16_t added = saturate16(multiply(s.gate[kInputGate][j], s.gate[kCellGate][j], p.input_times_candidate));
    c[j] = saturate16(int32_t{kept} + added);
    if (p.cell_clip > 0) c[j] = std::clamp<int16_t>(c[j], static_cast<int16_t>(-p.cell_clip), p.cell_clip);
  }
  tanh_int16(tanh_rescale(p.cell_scale_log2), c, s.tanh_cell);
  for (size_t j = 0; j < h.size(); ++j) {
    const int32_t hidden = multiply(s.tanh_cell[j], s.gate[kOutputGate][j], p.output_times_tanh_cell) + p.hidden_zero_point;
    h[j] = static_cast<int8_t>(std::clamp(hidden, kInt8Min, kInt8Max));
  }
}

}  // namespace

ir::QuantParams gate_row_quant(const std::array<float, 4>& onnx_gate_scales, int64_t hidden, int halves) {
  ir::QuantParams q;
  q.axis = 1;
  for (int half = 0; half < halves; ++half)
    for (float scale : onnx_gate_scales) q.scale.insert(q.scale.end(), static_cast<size_t>(hidden), scale);
  q.zero_point.assign(q.scale.size(), 0);
  return q;
}

int cell_scale_log2(double extent) {
  int log2 = kCellScaleLog2Min;
  while (log2 < kCellScaleLog2Max && std::ldexp(static_cast<double>(kInt16Max), log2) < extent) ++log2;
  return log2;
}

LstmParams prepare_lstm(const LstmGeometry& geometry, const ir::Node& lstm) {
  if (lstm.attr_string("direction", "forward") != "forward")
    throw InputError("the int8 LSTM runs forward only (TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM)");
  if (lstm.has_attr("clip") || lstm.attr_int("input_forget", 0) != 0)
    throw InputError("the int8 LSTM takes neither clip nor input_forget");
  for (size_t i = 4; i < lstm.inputs().size(); ++i)
    if (lstm.input(i)) throw InputError("the int8 LSTM takes no sequence_lens, initial states or peepholes");
  for (size_t i = 1; i < lstm.outputs().size(); ++i)
    if (lstm.output(i))
      throw InputError("the int8 LSTM computes only Y, not Y_h or Y_c (decompose_for_int8 computes a read Y_h from Y)");
  const ir::Value* x = lstm.input(0);
  const ir::Value* y = lstm.output(0);
  const ir::Value* w = lstm.inputs().size() > 1 ? lstm.input(1) : nullptr;
  const ir::Value* r = lstm.inputs().size() > 2 ? lstm.input(2) : nullptr;
  const ir::Value* b = lstm.inputs().size() > 3 ? lstm.input(3) : nullptr;
  for (const ir::Value* weights : {w, r})
    if (!weights || !weights->is_constant() || weights->dtype != ir::DType::Int8 || !weights->quant)
      throw InputError("the int8 LSTM needs W and R as quantized int8 constants");
  if (b && (!b->is_constant() || b->dtype != ir::DType::Int32))
    throw InputError("the int8 LSTM needs B as an int32 constant");
  if (!x || !x->quant || !y || !y->quant) throw InputError("the int8 LSTM needs quantized X and Y");
  const AffineParams in = per_tensor(*x->quant, "LSTM input");
  const AffineParams out = per_tensor(*y->quant, "LSTM output");
  const int64_t cell_log2 = lstm.attr_int(kCellScaleLog2Attribute, kCellScaleLog2Max + 1);
  if (cell_log2 < kCellScaleLog2Min || cell_log2 > kCellScaleLog2Max)
    throw InputError("the int8 LSTM needs its cell state scale (attribute " + std::string(kCellScaleLog2Attribute) +
                     ") as a power of two in [2^" + std::to_string(kCellScaleLog2Min) + ", 2^" +
                     std::to_string(kCellScaleLog2Max) + "]");
  const int64_t n = geometry.hidden;
  const auto weights = w->constant().values<int8_t>();
  const auto recurrent = r->constant().values<int8_t>();
  const std::span<const int32_t> bias = b ? b->constant().values<int32_t>() : std::span<const int32_t>{};
  if (weights.size() != static_cast<size_t>(4 * n * geometry.input) || recurrent.size() != static_cast<size_t>(4 * n * n) ||
      (b && bias.size() != static_cast<size_t>(8 * n)))
    throw InputError("the int8 LSTM's W, R or B does not match its hidden size " + std::to_string(n));
  LstmParams p;
  p.geometry = geometry;
  p.input_zero_point = in.zero_point;
  p.hidden_zero_point = out.zero_point;
  p.cell_scale_log2 = static_cast<int>(cell_log2);
  for (size_t g = 0; g < 4; ++g) {
    const int64_t onnx = kOnnxGateOf[g];
    LstmGate& gate = p.gates[g];
    const auto gate_w = weights.subspan(static_cast<size_t>(onnx * n * geometry.input), static_cast<size_t>(n * geometry.input));
    const auto gate_r = recurrent.subspan(static_cast<size_t>(onnx * n * n), static_cast<size_t>(n * n));
    gate.input_weights.assign(gate_w.begin(), gate_w.end());
    gate.recurrent_weights.assign(gate_r.begin(), gate_r.end());
    gate.bias.assign(static_cast<size_t>(n), 0);
    if (b)
      for (int64_t j = 0; j < n; ++j)
        gate.bias[static_cast<size_t>(j)] =
            bias[static_cast<size_t>(onnx * n + j)] + bias[static_cast<size_t>((4 + onnx) * n + j)];
    gate.input_scale = gate_scale(*w->quant, onnx, n, "input weights");
    gate.recurrent_scale = gate_scale(*r->quant, onnx, n, "recurrent weights");
    gate.input_multiplier = fc_multiplier(in.scale, gate.input_scale);
    gate.recurrent_multiplier = fc_multiplier(out.scale, gate.recurrent_scale);
  }
  const auto cell_scale = static_cast<float>(std::ldexp(1.0, p.cell_scale_log2));
  const float clip = lstm.attr_float(kCellClipAttribute, 0.0f);
  if (!(clip >= 0) || !std::isfinite(clip)) throw InputError("the int8 LSTM's cell_clip must be finite and >= 0");
  p.cell_clip = static_cast<int16_t>(std::clamp(static_cast<double>(clip) / static_cast<double>(cell_scale), -32768.0, 32767.0));
  p.forget_times_cell = mul_multiplier(kGateScale, cell_scale, cell_scale);
  p.input_times_candidate = mul_multiplier(kGateScale, kGateScale, cell_scale);
  p.output_times_tanh_cell = mul_multiplier(kGateScale, kGateScale, out.scale);
  return p;
}

void lstm_int8(const LstmParams& p, std::span<const int8_t> input, std::span<int8_t> output) {
  const LstmGeometry& g = p.geometry;
  const auto n = static_cast<size_t>(g.hidden);
  StepBuffers s;
  for (auto& gate : s.gate) gate.resize(n);
  s.recurrent.resize(n);
  s.tanh_cell.resize(n);
  std::vector<int8_t> h(n);
  std::vector<int16_t> c(n);
  for (int64_t b = 0; b < g.batch; ++b) {
    std::fill(h.begin(), h.end(), static_cast<int8_t>(p.hidden_zero_point));
    std::fill(c.begin(), c.end(), int16_t{0});
    for (int64_t t = 0; t < g.steps; ++t) {
      const int64_t row = g.time_major ? t * g.batch + b : b * g.steps + t;
      step(p, input.subspan(static_cast<size_t>(row * g.input), static_cast<size_t>(g.input)), h, c, s);
      std::copy(h.begin(), h.end(), output.begin() + row * g.hidden);
    }
  }
}

}  // namespace tinyc::exec::int8_reference
