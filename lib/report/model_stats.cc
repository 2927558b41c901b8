// Counting parameters and MACs per layer.
#include "report/model_stats.h"

#include <algorithm>
#include <unordered_set>

#include "ir/error.h"

namespace tinyc::report {

namespace {

// Input slots that hold learned weights for each op; -1 means "any constant operand".
std::vector<int> weight_slots(const std::string& op) {
  if (op == "Conv" || op == "ConvTranspose" || op == "Gemm") return {1, 2};
  if (op == "BatchNormalization") return {1, 2};
  if (op == "PRelu") return {1};
  if (op == "LSTM") return {1, 2, 3, 7};  // W, R, B, peepholes
  if (op == "GRU") return {1, 2, 3};
  if (op == "MatMul" || op == "Add" || op == "Sub" || op == "Mul" || op == "Div") return {-1};
  return {};
}

// Slots whose weights stay 32-bit in the int8 scheme (biases).
bool is_bias_slot(const std::string& op, size_t slot) {
  if (op == "LSTM" || op == "GRU") return slot == 3;
  return (op == "Conv" || op == "ConvTranspose" || op == "Gemm") && slot == 2;
}

// Float weights, and integer weights that quantization produced (integer constants without
// QuantParams are shapes, indices or axes, not learned weights).
bool is_weight_dtype(const ir::Value& v) { return is_float(v.dtype) || (is_integer(v.dtype) && v.quant); }

// The constant a weight operand holds, followed back through ops that only move its elements: an
// exporter may reshape or transpose a weight at run time (mnist-8 reshapes its MatMul weights).
// Null when the operand is computed from activations.
const ir::Value* weight_constant(const ir::Value* v) {
  static const std::unordered_set<std::string> kLayoutOps{"Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze",
                                                          "Identity"};
  while (v && !v->is_constant()) {
    const ir::Node* p = v->producer();
    if (!p || !kLayoutOps.count(p->op_type) || p->inputs().empty()) return nullptr;
    for (size_t i = 1; i < p->inputs().size(); ++i)
      if (p->input(i) && !p->input(i)->is_constant()) return nullptr;
    v = p->input(0);
  }
  return v;
}

const ir::Shape& shape_of(const ir::Value* v, const ir::Node* n) {
  if (!v || !v->shape) throw InternalError("model stats need inferred shapes (node " + n->name + ")");
  return *v->shape;
}

int64_t product(const ir::Shape& s, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to && i < s.size(); ++i) p *= s[i];
  return p;
}

int64_t macs_of(const ir::Node* n) {
  const std::string& op = n->op_type;
  if (op == "Conv") {
    // Each output element accumulates (Cin / group) x kernel-area products.
    const ir::Shape& w = shape_of(n->input(1), n);
    return ir::num_elements(shape_of(n->output(0), n)) * product(w, 1, w.size());
  }
  if (op == "ConvTranspose") {
    // Each input element scatters into (Cout / group) x kernel-area outputs.
    const ir::Shape& w = shape_of(n->input(1), n);
    return ir::num_elements(shape_of(n->input(0), n)) * product(w, 1, w.size());
  }
  if (op == "Gemm") {
    const ir::Shape& a = shape_of(n->input(0), n);
    const int64_t k = n->attr_int("transA", 0) ? a[0] : a[1];
    return ir::num_elements(shape_of(n->output(0), n)) * k;
  }
  if (op == "MatMul") {
    const ir::Shape& a = shape_of(n->input(0), n);
    return ir::num_elements(shape_of(n->output(0), n)) * a.back();
  }
  if (op == "LSTM" || op == "GRU") {
    // Per step, batch row and direction: every gate row of W and of R, one product per column.
    const ir::Shape& x = shape_of(n->input(0), n);
    const ir::Shape& w = shape_of(n->input(1), n);
    const ir::Shape& r = shape_of(n->input(2), n);
    return x[0] * x[1] * w[0] * w[1] * (w[2] + r[2]);
  }
  return 0;
}

}  // namespace

ModelStats compute_model_stats(const ir::Graph& g) {
  ModelStats stats;
  std::unordered_set<const ir::Value*> counted;
  for (const ir::Node* n : g.topological_order()) {
    const auto shown = std::find_if(n->outputs().begin(), n->outputs().end(), [](const ir::Value* v) { return v && v->shape; });
    LayerStats layer{n->name, n->op_type, shown != n->outputs().end() ? *(*shown)->shape : ir::Shape{}};
    const std::vector<int> slots = weight_slots(n->op_type);
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      const ir::Value* in = weight_constant(n->inputs()[i]);
      if (!in || !is_weight_dtype(*in) || counted.count(in)) continue;
      const bool weight = std::find_if(slots.begin(), slots.end(), [&](int s) {
                            return s == -1 || static_cast<size_t>(s) == i;
                          }) != slots.end();
      if (!weight) continue;
      counted.insert(in);
      const int64_t elems = in->constant().num_elements();
      layer.params += elems;
      stats.weight_bytes_int8 += elems * (is_bias_slot(n->op_type, i) ? 4 : 1);
      stats.weight_bytes_stored += static_cast<int64_t>(in->stored_bytes());
    }
    layer.macs = macs_of(n);
    stats.params += layer.params;
    stats.macs += layer.macs;
    ++stats.op_histogram[n->op_type];
    stats.layers.push_back(std::move(layer));
  }
  stats.weight_bytes_fp32 = stats.params * 4;
  return stats;
}

}  // namespace tinyc::report
