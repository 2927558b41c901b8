// Cell-state sizing and int8 operands of LSTM nodes.
#include "passes/quantize_lstm.h"

#include "exec/capture.h"
#include "exec/evaluate.h"
#include "exec/int8_reference/int8_lstm.h"
#include "exec/kernels/lstm_cell_extent.h"
#include "passes/int8_forms.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

namespace q = exec::int8_reference;

constexpr int64_t kGates = 4;

// W or R ([1, 4 * hidden, k]) as int8 with one scale per gate; returns the gate scales.
std::array<float, kGates> quantize_gate_weights(ir::Graph& g, ir::Node* n, size_t slot, int64_t hidden,
                                         const std::string& role) {
  const ir::Tensor& w = n->input(slot)->constant();
  q::SymmetricWeights quantized = q::quantize_weights_per_channel(w.values<float>(), kGates);
  set_constant_input(g, n, slot, ir::Tensor::from_vector<int8_t>(w.shape(), quantized.values), n->name + "_" + role);
  std::array<float, kGates> scales{};
  std::copy(quantized.scales.begin(), quantized.scales.end(), scales.begin());
  n->input(slot)->quant = q::gate_row_quant(scales, hidden);
  return scales;
}

}  // namespace

std::map<std::string, double> lstm_cell_extents(const ir::Graph& g, const std::vector<ir::Tensor>& rows,
                                                const exec::ExecutorOptions& options) {
  const int64_t opset = exec::model_opset(g);
  std::vector<const ir::Node*> lstms;
  std::vector<std::string> inputs;
  for (const ir::Node* n : g.topological_order()) {
    std::string why;
    if (n->op_type == "LSTM" && n->domain.empty() && int8_form(*n, opset, why)) {
      lstms.push_back(n);
      inputs.push_back(n->input(0)->name);
    }
  }
  std::map<std::string, double> extents;
  if (lstms.empty() || rows.empty()) return extents;
  const std::vector<ir::Tensor> captured = exec::capture_values(g, rows, inputs, options);
  for (size_t i = 0; i < lstms.size(); ++i)
    extents[lstms[i]->name] = exec::kernels::lstm_cell_extent(*lstms[i], captured[i].values<float>());
  return extents;
}

void quantize_lstm_operands(ir::Graph& g, ir::Node* n, float input_scale, double cell_extent) {
  const int64_t hidden = n->attr_int("hidden_size", n->input(2)->constant().shape().back());
  const std::array<float, kGates> w_scales = quantize_gate_weights(g, n, 1, hidden, "weight");
  quantize_gate_weights(g, n, 2, hidden, "recurrence_weight");
  if (n->inputs().size() > 3 && n->input(3)) {
    const auto b = n->input(3)->constant().values<float>();
    const auto rows = static_cast<size_t>(kGates * hidden);
    std::vector<float> sum(rows);
    for (size_t j = 0; j < rows; ++j) sum[j] = b[j] + b[rows + j];
    std::vector<int32_t> quantized = q::quantize_bias(sum, input_scale, q::gate_row_quant(w_scales, hidden).scale);
    quantized.resize(2 * rows, 0);
    set_constant_input(g, n, 3, ir::Tensor::from_vector<int32_t>(n->input(3)->constant().shape(), quantized),
                       n->name + "_bias");
    std::array<float, kGates> bias_scales = w_scales;
    for (float& s : bias_scales) s *= input_scale;
    n->input(3)->quant = q::gate_row_quant(bias_scales, hidden, 2);
  }
  for (size_t i = 5; i < n->inputs().size(); ++i) g.set_node_input(n, i, nullptr);
  if (n->inputs().size() > 4) g.truncate_node_inputs(n, 4);
  n->attrs[q::kCellScaleLog2Attribute] = int64_t{q::cell_scale_log2(cell_extent)};
}

}  // namespace tinyc::passes
