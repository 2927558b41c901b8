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

// One entry per gate row (4 * hidden), each gate's scale repeated `repeat` times over the rows.
std::vector<float> per_row(const std::vector<float>& gate_scales, int64_t hidden, int repeat) {
  std::vector<float> rows;
  for (int r = 0; r < repeat; ++r)
    for (float s : gate_scales) rows.insert(rows.end(), static_cast<size_t>(hidden), s);
  return rows;
}

ir::QuantParams along_rows(std::vector<float> scales) {
  const size_t n = scales.size();
  return {std::move(scales), std::vector<int64_t>(n, 0), 1};
}

// W or R ([1, 4 * hidden, k]) as int8 with one scale per gate; returns the gate scales.
std::vector<float> quantize_gate_weights(ir::Graph& g, ir::Node* n, size_t slot, int64_t hidden,
                                         const std::string& role) {
  const ir::Tensor& w = n->input(slot)->constant();
  q::SymmetricWeights quantized = q::quantize_weights_per_channel(w.values<float>(), kGates);
  set_constant_input(g, n, slot, ir::Tensor::from_vector<int8_t>(w.shape(), quantized.values), n->name + "_" + role);
  n->input(slot)->quant = along_rows(per_row(quantized.scales, hidden, 1));
  return quantized.scales;
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
  const std::vector<float> w_scales = quantize_gate_weights(g, n, 1, hidden, "weight");
  quantize_gate_weights(g, n, 2, hidden, "recurrence_weight");
  if (n->inputs().size() > 3 && n->input(3)) {
    const auto b = n->input(3)->constant().values<float>();
    const auto rows = static_cast<size_t>(kGates * hidden);
    std::vector<float> sum(rows);
    for (size_t j = 0; j < rows; ++j) sum[j] = b[j] + b[rows + j];
    const std::vector<float> scales = per_row(w_scales, hidden, 1);
    std::vector<int32_t> quantized = q::quantize_bias(sum, input_scale, scales);
    quantized.resize(2 * rows, 0);
    set_constant_input(g, n, 3, ir::Tensor::from_vector<int32_t>(n->input(3)->constant().shape(), quantized),
                       n->name + "_bias");
    n->input(3)->quant = along_rows(per_row(w_scales, hidden, 2));
    for (float& s : n->input(3)->quant->scale) s *= input_scale;
  }
  for (size_t i = 5; i < n->inputs().size(); ++i) g.set_node_input(n, i, nullptr);
  if (n->inputs().size() > 4) g.truncate_node_inputs(n, 4);
  n->attrs[q::kCellScaleLog2Attribute] = int64_t{q::cell_scale_log2(cell_extent)};
}

}  // namespace tinyc::passes
