// int8 LSTM as TensorFlow Lite Micro's UNIDIRECTIONAL_SEQUENCE_LSTM computes it (8-bit activations
// and weights, 16-bit gates and cell state): per step and gate, two FullyConnected layers (input and
// hidden state, one weight scale each) write Q3.12 pre-activations that add with saturation, the
// int16 Logistic / Tanh make Q0.15 gates, and int16 multiplies update the cell state (held at a
// power-of-two scale) and the int8 hidden state, which is the step's output.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "exec/int8_reference/quant_math.h"
#include "ir/node.h"

namespace tinyc::exec::int8_reference {

// The gates in TFLite's order (input, forget, cell, output) and the ONNX gate (i, o, f, c) each one
// is: ONNX W, R and B hold gate kOnnxGateOf[g] in rows [kOnnxGateOf[g] * hidden, +hidden).
inline constexpr std::array<int64_t, 4> kOnnxGateOf = {0, 2, 3, 1};
inline constexpr size_t kInputGate = 0, kForgetGate = 1, kCellGate = 2, kOutputGate = 3;

// Per-channel QuantParams along axis 1 of ONNX's W, R or B: each gate's scale (ONNX order i, o, f,
// c) repeated over its `hidden` rows, `halves` times (B holds two halves), zero points 0.
ir::QuantParams gate_row_quant(const std::array<float, 4>& onnx_gate_scales, int64_t hidden, int halves = 1);

// The int64 attribute quantize_int8 gives an int8 LSTM node: log2 of its int16 cell state's scale.
inline constexpr const char* kCellScaleLog2Attribute = "cell_scale_log2";
// The float attribute of an int8 LSTM read from a .tflite file with TFLite's cell_clip: the cell
// state is clamped to +-cell_clip after each update (absent or 0: no clamp).
inline constexpr const char* kCellClipAttribute = "cell_clip";

// The smallest and largest power-of-two exponents tinyc gives the int16 cell state's scale:
// 2^-15 holds |c| < 1, 2^0 holds |c| < 32768 (TFLite's tanh rescale overflows above that).
inline constexpr int kCellScaleLog2Min = -15;
inline constexpr int kCellScaleLog2Max = 0;

// The scale exponent of a cell state whose magnitude reaches `extent`: the smallest power of two
// that holds it in int16, within [kCellScaleLog2Min, kCellScaleLog2Max].
int cell_scale_log2(double extent);

// The sizes of one run; X is [steps, batch, input] (time major) or [batch, steps, input], and
// the output [steps, batch, hidden] or [batch, steps, hidden].
struct LstmGeometry {
  int64_t steps = 0;
  int64_t batch = 0;
  int64_t input = 0;
  int64_t hidden = 0;
  bool time_major = true;
};

// One gate's weights and the multipliers of its two FullyConnected layers onto Q3.12.
struct LstmGate {
  std::vector<int8_t> input_weights;      // hidden x input
  std::vector<int8_t> recurrent_weights;  // hidden x hidden
  std::vector<int32_t> bias;              // hidden, at s_x * s_w of this gate
  float input_scale = 1;                  // of input_weights
  float recurrent_scale = 1;              // of recurrent_weights
  QuantizedMultiplier input_multiplier;   // float(s_x * s_w) / 2^-12, as TFLite's FullyConnected
  QuantizedMultiplier recurrent_multiplier;
};

// Everything lstm_int8 needs, computed once by prepare_lstm.
struct LstmParams {
  LstmGeometry geometry;
  int32_t input_zero_point = 0;
  int32_t hidden_zero_point = 0;  // the output's; the hidden state starts at it (0.0)
  std::array<LstmGate, 4> gates;  // TFLite's order
  int cell_scale_log2 = 0;
  int16_t cell_clip = 0;  // the clamp in cell-state steps, as TFLM rounds it down; 0: none
  QuantizedMultiplier forget_times_cell;       // 2^-15 * s_c / s_c
  QuantizedMultiplier input_times_candidate;   // 2^-15 * 2^-15 / s_c
  QuantizedMultiplier output_times_tanh_cell;  // 2^-15 * 2^-15 / s_h
};

// Reads an int8 LSTM node (docs/ir.md): forward, without clip or input_forget, no input after B
// and no output after Y; X and Y int8 per tensor; W [1, 4 * hidden, input] and R
// [1, 4 * hidden, hidden] int8 constants with one scale per gate (per-channel QuantParams along
// the gate rows, equal within a gate); B, when present, int32 [1, 8 * hidden] whose two halves
// add, at s_x * s_w of each gate; the cell_scale_log2 attribute, and cell_clip when present.
// InputError naming what is missing or out of range.
LstmParams prepare_lstm(const LstmGeometry& geometry, const ir::Node& lstm);

// Runs every step of every batch row from a zero state; `output` holds each step's hidden state.
void lstm_int8(const LstmParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
