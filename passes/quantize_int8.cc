// quantize_int8: turns a folded float graph into the int8 graph of docs/ir.md ("The quantized graph").
//
// Before: input -> Conv(W, b){Relu} -> y -> Softmax -> output            (all float32)
// After:  input -> QuantizeLinear -> input_quantized -> Conv(W:int8, b:int32){Relu} -> y (int8)
//               -> Softmax -> output_quantized (int8, 1/256, -128) -> DequantizeLinear -> output
// Activations are int8 with per-tensor parameters from their calibrated range
// (exec::int8_reference::choose_asymmetric_params, so 0 is exact); weights int8 symmetric per output
// channel (or per tensor, option weight_scales); biases int32 at input_scale * weight_scale[c];
// Softmax/Sigmoid/Tanh outputs at TFLite's fixed parameters; an LSTM's gate weights, bias and int16
// cell-state scale as TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM reads them (quantize_lstm.h); pooling
// and data movement share their input's parameters; Concat takes the union of its inputs' ranges.
// Ops without an int8 form stay float between a DequantizeLinear and a QuantizeLinear. Int8 values
// keep the float value's name; the float twin of an int8 value is "<name>_dequantized", the int8
// twin of a float value "<name>_quantized" (graph inputs and outputs keep their names and stay float).
// Ranges: the context's activation_ranges when set (--data-free), else calibration of this graph
// on the context's calibration rows with the `calib` method.
// Preconditions: shapes inferred; BatchNorm folded and activations fused (default folding pipeline)
// for the best result. Gemm with transB = 0 and a constant B is first rewritten to transB = 1 (B
// transposed) and alpha/beta are folded into B and C, which changes nothing it computes.
#include <map>
#include <unordered_map>

#include "calib/calibrate.h"
#include "exec/evaluate.h"
#include "passes/int8_forms.h"
#include "passes/layer_weights.h"
#include "passes/weight_width_search.h"
#include "passes/pass_context.h"
#include "passes/quantize_constants.h"
#include "passes/quantize_lstm.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

namespace q = exec::int8_reference;

ir::QuantParams per_tensor(q::AffineParams p) { return {{p.scale}, {p.zero_point}, 0}; }

bool is_int8_activation(const ir::Value* v) {
  return v && !v->is_constant() && v->dtype == ir::DType::Int8 && v->quant;
}

int64_t constant_bytes(const ir::Graph& g) {
  int64_t total = 0;
  for (const ir::Value* c : g.constants()) total += static_cast<int64_t>(c->stored_bytes());
  return total;
}

// Gemm(A, B, C){alpha, beta, transB = 0} -> Gemm(A, alpha * B', beta * C){transB = 1} for constant B.
void normalize_gemm(ir::Graph& g, ir::Node* n) {
  const ir::Value* b = n->input(1);
  if (n->attr_int("transA", 0) != 0 || !is_float32_constant(b) || b->constant().shape().size() != 2) return;
  const ir::Value* c = n->input(2);
  if (c && !is_float32_constant(c)) return;
  const double alpha = n->attr_float("alpha", 1.0f), beta = n->attr_float("beta", 1.0f);
  const bool trans_b = n->attr_int("transB", 0) != 0;
  if (trans_b && alpha == 1 && beta == 1) return;
  const ir::Shape& s = b->constant().shape();
  const std::vector<double> w = float_values(b);
  const int64_t rows = trans_b ? s[0] : s[1], cols = trans_b ? s[1] : s[0];
  std::vector<double> wt(w.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < cols; ++k) wt[r * cols + k] = alpha * (trans_b ? w[r * cols + k] : w[k * rows + r]);
  set_constant_input(g, n, 1, float_tensor({rows, cols}, wt), n->name + "_weight");
  if (c && beta != 1) {
    std::vector<double> bias = float_values(c);
    for (double& v : bias) v *= beta;
    set_constant_input(g, n, 2, float_tensor(c->constant().shape(), bias), n->name + "_bias");
  }
  n->attrs["transB"] = int64_t{1};
  n->attrs.erase("alpha");
  n->attrs.erase("beta");
}

// Rewrites the graph node by node in topological order; every int8 node's inputs are int8 when it
// is visited, every float node's inputs float.
class Quantizer {
 public:
  // `weights`: each weighted layer's quantized weights by width; `bits`: the width of each layer
  // (8 when not listed).
  // `cell_extents`: each LSTM's largest |cell state| on the calibration rows.
  Quantizer(ir::Graph& g, const calib::RangeMap& ranges, const WeightTable& weights,
            const std::map<std::string, int>& bits, const std::map<std::string, double>& cell_extents,
            PassResult& result)
      : g_(g),
        ranges_(ranges),
        weights_(weights),
        bits_(bits),
        cell_extents_(cell_extents),
        opset_(exec::model_opset(g)),
        result_(result) {}

  void run() {
    for (ir::Node* n : g_.topological_order()) {
      std::string why;
      const std::optional<Int8Form> f = int8_form(*n, opset_, why);
      if (f && (why = refusal(*n, *f)).empty()) {
        quantize_node(n, *f);
        result_.record_rewrite();
        continue;
      }
      if (n->output(0) && n->output(0)->dtype == ir::DType::Float32) result_.decline(n->name, "stays float: " + why);
      for (size_t i = 0; i < n->inputs().size(); ++i)
        if (is_int8_activation(n->input(i))) g_.set_node_input(n, i, as_float(n->input(i)));
    }
    for (ir::Value* out : std::vector<ir::Value*>(g_.outputs()))
      if (is_int8_activation(out)) dequantize_graph_output(out);
  }

 private:
  std::optional<q::AffineParams> range_params(const ir::Value* v) const {
    const auto it = ranges_.find(v->name);
    if (it == ranges_.end()) return std::nullopt;
    return q::choose_asymmetric_params(it->second.min, it->second.max);
  }

  // Why the node cannot run in int8 with the ranges at hand; empty when it can.
  std::string refusal(const ir::Node& n, const Int8Form& f) const {
    for (size_t i : f.activations)
      if (!is_int8_activation(n.input(i)) && !range_params(n.input(i)))
        return "no calibration range for its input '" + n.input(i)->name + "'";
    if (f.output == OutputParams::Own && !range_params(n.output(0)))
      return "no calibration range for its output '" + n.output(0)->name + "'";
    if (n.op_type == "LSTM" && !cell_extents_.count(n.name))
      return "its int16 cell state is sized on calibration rows (--calib), and there are none";
    return "";
  }

  // The int8 version of an activation: itself, or its QuantizeLinear output.
  ir::Value* as_int8(ir::Value* v) {
    if (is_int8_activation(v)) return v;
    ir::Value*& twin = int8_twins_[v];
    if (!twin) {
      ir::Node* qn = g_.add_node("QuantizeLinear", {v}, {g_.unique_value_name(v->name + "_quantized")},
                                 g_.unique_node_name(v->name + "_quantize"));
      twin = qn->output(0);
      twin->dtype = ir::DType::Int8;
      twin->shape = v->shape;
      twin->quant = per_tensor(*range_params(v));
    }
    return twin;
  }

  // The float version of an int8 activation: its DequantizeLinear output.
  ir::Value* as_float(ir::Value* v) {
    ir::Value*& twin = float_twins_[v];
    if (!twin) {
      ir::Node* dq = g_.add_node("DequantizeLinear", {v}, {g_.unique_value_name(v->name + "_dequantized")},
                                 g_.unique_node_name(v->name + "_dequantize"));
      twin = dq->output(0);
      twin->dtype = ir::DType::Float32;
      twin->shape = v->shape;
    }
    return twin;
  }

  // Points input `index` at quantized data (in place when n is the constant's only reader).
  void replace_constant(ir::Node* n, size_t index, QuantizedConstant c, const std::string& hint) {
    set_constant_input(g_, n, index, std::move(c.data), hint);
    n->input(index)->quant = std::move(c.quant);
  }

  void quantize_node(ir::Node* n, const Int8Form& f) {
    for (size_t i : f.activations) g_.set_node_input(n, i, as_int8(n->input(i)));
    for (size_t i : f.constants)
      replace_constant(n, i, quantize_per_tensor(n->input(i)->constant()), n->name + "_operand");
    const q::AffineParams input = q::per_tensor(*n->input(f.activations.front())->quant, n->name + " input");
    if (f.weighted) quantize_weights_and_bias(n, f, input.scale);
    if (n->op_type == "LSTM") quantize_lstm_operands(g_, n, input.scale, cell_extents_.at(n->name));
    if (n->op_type == "Pad" && n->input(2)) drop_pad_value(n);
    if (n->op_type == "Clip") quantize_clip_bounds(n, input);
    const ir::QuantParams out_q = per_tensor(output_params(n, f, input));
    for (size_t i = 0; i < f.outputs; ++i) {
      n->output(i)->dtype = ir::DType::Int8;
      n->output(i)->quant = out_q;
    }
  }

  q::AffineParams output_params(const ir::Node* n, const Int8Form& f, q::AffineParams input) const {
    switch (f.output) {
      case OutputParams::Own: return *range_params(n->output(0));
      case OutputParams::SameAsInput: return input;
      case OutputParams::Fixed: return f.fixed;
      case OutputParams::InputUnion: break;
    }
    float lo = 0, hi = 0;
    for (const ir::Value* v : n->inputs()) {
      const q::AffineParams p = q::per_tensor(*v->quant, n->name + " input");
      lo = std::min(lo, p.scale * static_cast<float>(q::kInt8Min - p.zero_point));
      hi = std::max(hi, p.scale * static_cast<float>(q::kInt8Max - p.zero_point));
    }
    return q::choose_asymmetric_params(lo, hi);
  }

  void quantize_weights_and_bias(ir::Node* n, const Int8Form& f, float input_scale) {
    const auto bits = bits_.find(n->name);
    const QuantizedLayer& w = weights_.at(n->name).at(bits == bits_.end() ? 8 : bits->second);
    const int64_t channels = n->input(1)->constant().shape()[static_cast<size_t>(f.weight_axis)] *
                             (n->op_type == "ConvTranspose" ? n->attr_int("group", 1) : 1);
    replace_constant(n, 1, w.weights, n->name + "_weight");
    const ir::Tensor* bias = w.bias ? &*w.bias : n->input(2) ? &n->input(2)->constant() : nullptr;
    if (bias)
      replace_constant(n, 2, quantize_bias(*bias, channels, input_scale, w.weights.quant.scale), n->name + "_bias");
  }

  // The int8 Pad fills with the zero point, which stands for the float pad value 0.
  void drop_pad_value(ir::Node* n) {
    if (n->inputs().size() == 3)
      g_.truncate_node_inputs(n, 2);
    else
      g_.set_node_input(n, 2, nullptr);
  }

  // Unfused Clip: constant bounds become int8 scalars in the input's parameters.
  void quantize_clip_bounds(ir::Node* n, q::AffineParams input) {
    for (size_t i = 1; i < n->inputs().size(); ++i) {
      if (!n->input(i)) continue;
      const float bound = n->input(i)->constant().values<float>()[0];
      replace_constant(n, i, {ir::Tensor::scalar<int8_t>(q::quantize_value(bound, input)), per_tensor(input)},
                       n->name + "_bound");
    }
  }

  // The int8 value `out` gives up the graph output slot (and its name) to its DequantizeLinear and
  // becomes "<name>_quantized". Graph has no call that moves only an output slot, so every use moves
  // with replace_all_uses and the int8 readers are pointed back.
  void dequantize_graph_output(ir::Value* out) {
    const std::string name = out->name;
    const std::vector<ir::Use> readers = out->uses();
    ir::Value* twin = as_float(out);
    g_.replace_all_uses(out, twin);
    g_.set_node_input(twin->producer(), 0, out);
    for (const ir::Use& u : readers) g_.set_node_input(u.node, u.input_index, out);
    g_.rename_value(out, g_.unique_value_name(name + "_quantized"));
  }

  ir::Graph& g_;
  const calib::RangeMap& ranges_;
  const WeightTable& weights_;
  const std::map<std::string, int>& bits_;
  const std::map<std::string, double>& cell_extents_;
  int64_t opset_;
  PassResult& result_;
  std::unordered_map<ir::Value*, ir::Value*> int8_twins_;
  std::unordered_map<ir::Value*, ir::Value*> float_twins_;
};

class QuantizeInt8 : public Pass {
 public:
  explicit QuantizeInt8(const PassOptions& o)
      : method_(calib::parse_method(o.get_string("calib", "auto"))),
        percentile_(o.get_double("percentile", 99.99)),
        weight_scales_(
            parse_weight_scales(o.get_string("weight_scales", "per_channel"), "quantize_int8 weight_scales")),
        weight_bits_(o.get_string("weight_bits", "8")),
        rounding_(parse_rounding(o.get_string("rounding", "nearest"), "quantize_int8 rounding")) {}

  PassResult run(ir::Graph& g) override {
    PassContext none;
    return run_with_context(g, none);
  }

  PassResult run_with_context(ir::Graph& g, PassContext& context) override {
    calib::Calibration calibration;
    if (context.activation_ranges) {
      calibration.ranges = *context.activation_ranges;
    } else if (!context.calibration_inputs.empty()) {
      calib::CalibrationOptions options;
      options.method = method_;
      options.search.percentile = percentile_;
      options.executor = context.executor;
      calibration = calib::calibrate(g, context.calibration_inputs, options);
    } else {
      throw InputError("quantize_int8 needs calibration data (--calib <.npy or folder>) or --data-free");
    }
    const std::map<std::string, double> cell_extents =
        lstm_cell_extents(g, context.calibration_inputs, context.executor);
    const int64_t bytes_before = constant_bytes(g);
    for (ir::Node* n : g.nodes())
      if (n->op_type == "Gemm" && n->domain.empty()) normalize_gemm(g, n);
    const bool search = weight_bits_ == "auto";
    if (context.calibration_inputs.empty() && (rounding_ == Rounding::Optimal || search))
      throw InputError("quantize_int8 " + std::string(search ? "weight_bits=auto" : "rounding=optimal") +
                       " measures layer output errors on calibration rows (--calib), and there are none");
    const int fixed_bits = search ? 4 : parse_weight_bits(weight_bits_, "quantize_int8 weight_bits");
    const WeightTable weights =
        round_layer_weights(g, context.calibration_inputs, context.executor, weight_scales_, rounding_,
                            fixed_bits == 8 ? std::vector<int>{8} : std::vector<int>{4, 8}, search);
    WeightWidths widths{weight_bits_, rounding_ == Rounding::Optimal ? "optimal" : "nearest", {}, "", 0};
    const std::map<std::string, int> bits =
        search ? choose_weight_widths(
                     g, weights, context.calibration_inputs, context.executor,
                     [&](const std::map<std::string, int>& chosen) {
                       std::unique_ptr<ir::Graph> q = g.clone();
                       PassResult ignored;
                       Quantizer(*q, calibration.ranges, weights, chosen, cell_extents, ignored).run();
                       return q;
                     },
                     context.device_budget, widths,
                     [&context](int64_t done, int64_t total) {
                       if (context.progress) context.progress("choosing weight widths", done, total);
                     })
               : fixed_widths(g, weights, fixed_bits, widths);
    if (search && context.progress) context.progress("choosing weight widths", widths.int8_runs, widths.int8_runs);
    PassResult result;
    Quantizer(g, calibration.ranges, weights, bits, cell_extents, result).run();
    result.bytes_saved = bytes_before - constant_bytes(g);
    context.calibration = std::move(calibration);
    context.weights = std::move(widths);
    return result;
  }

 private:
  // Every layer at `bits` where TFLM runs that width, else 8; the reasons in `report`.
  static std::map<std::string, int> fixed_widths(const ir::Graph& g, const WeightTable& weights, int bits,
                                                 WeightWidths& report) {
    std::map<std::string, int> chosen;
    for (const ir::Node* n : g.topological_order()) {
      const auto it = weights.find(n->name);
      if (it == weights.end()) continue;
      const int width = it->second.count(bits) ? bits : 8;
      chosen[n->name] = width;
      report.layers.push_back({n->name, n->op_type, width, {}, {}, width == bits ? "as asked" : int4_refusal(*n)});
    }
    return chosen;
  }

  calib::Method method_;
  double percentile_;
  WeightScales weight_scales_;
  std::string weight_bits_;
  Rounding rounding_;
};

}  // namespace

PassInfo quantize_int8_pass_info() {
  return {"quantize_int8",
          "Quantize to int8 (TFLite scheme): calibrated per-tensor activations, per-channel weights, int32 biases",
          {{"calib", "auto", "activation ranges: minmax, percentile, entropy, mse, or auto (least error per tensor)"},
           {"percentile", "99.99", "share of values (%) the percentile method keeps"},
           {"weight_scales", "per_channel",
            "one weight scale per output channel (per_channel), per tensor (per_tensor), or per tensor for "
            "Gemm/MatMul only (fc_per_tensor: TFLM keeps 8 B per output channel less in its arena)"},
           {"weight_bits", "8",
            "8, 4 (Conv, Gemm and MatMul weights packed two per byte as TFLite INT4; 4-bit Gemm/MatMul weights "
            "have one scale per tensor, all TFLM's int4 FULLY_CONNECTED reads; other layers stay 8-bit), or auto "
            "(per layer, 4 bits for the layers whose 4-bit error costs least per byte saved, as many as keep "
            "top-1 agreement >= 99 % with the float model, or for other outputs an SNR within 3 dB of all-8-bit, "
            "on the calibration rows)"},
           {"rounding", "nearest",
            "nearest, or optimal: scales searched and weights rounded for the least output error on the "
            "calibration rows, biases compensated (needs calibration rows)"}},
          false,
          [](const PassOptions& o) -> std::unique_ptr<Pass> { return std::make_unique<QuantizeInt8>(o); }};
}

}  // namespace tinyc::passes
