// bias_correction: removes the mean output shift that int8 weight rounding causes in each Conv,
// Gemm and MatMul (empirical bias correction, measured on the calibration rows).
//
// Before: y = W * x + b
// After:  y = W * x + b',  b'[c] = b[c] - mean over rows and output positions of ((Wq - W) * x)[c]
// where Wq are the dequantized weights quantize_int8 will produce with rounding=nearest (same
// weight_scales and weight_bits choice).
// Then the int8 layer's mean output equals the float layer's on the calibration data; the float
// graph's output moves by the same amount the other way, which is the point. (Wq - W) * x is linear
// in x, so its mean is the layer applied to the mean input: one float-executor pass collects the
// mean of every corrected layer's input, then the layer runs once on that mean with weights Wq - W
// and no bias or clamp. Only the weight error is corrected (inputs are the float activations).
// A MatMul becomes a Gemm to take the bias.
// Preconditions: calibration rows in the context. Layers quantize_int8 would keep float are
// declined with its reason (int8_forms.h), among them Gemm with alpha or beta other than 1.
#include <unordered_map>

#include "exec/evaluate.h"
#include "exec/executor.h"
#include "exec/input_data.h"
#include "exec/shape_inference.h"
#include "ir/dequantize.h"
#include "passes/channel_affine.h"
#include "passes/int8_forms.h"
#include "passes/layer_weights.h"
#include "passes/pass_context.h"
#include "passes/quantize_constants.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

// Sums of one value over the rows seen, element by element (one row's shape).
struct RowSum {
  std::vector<double> sum;
  int64_t rows = 0;

  void add(const ir::Tensor& chunk) {
    const auto v = chunk.values<float>();
    const int64_t n = chunk.shape().empty() ? 1 : chunk.shape()[0];
    const size_t per_row = v.size() / static_cast<size_t>(n);
    if (sum.empty()) sum.assign(per_row, 0.0);
    for (size_t i = 0; i < v.size(); ++i) sum[i % per_row] += v[i];
    rows += n;
  }
};

struct Target {
  ir::Node* node;
  int64_t weight_axis;
};

std::vector<Target> find_targets(const ir::Graph& g, PassResult& result) {
  const int64_t opset = exec::model_opset(g);
  std::vector<Target> targets;
  for (ir::Node* n : g.topological_order()) {
    if (n->op_type != "Conv" && n->op_type != "Gemm" && n->op_type != "MatMul") continue;
    std::string why;
    const std::optional<Int8Form> f = int8_form(*n, opset, why);
    if (!f)
      result.decline(n->name, why);
    else if (n->op_type == "MatMul" && n->input(0)->shape->size() != 2)
      result.decline(n->name, "a MatMul over rows of a rank-3+ input has no bias slot to correct");
    else if (f->weighted)  // a MatMul of two activations has no weight to correct
      targets.push_back({n, f->weight_axis});
  }
  return targets;
}

// Mean of each target's input over the calibration rows, by value name.
// Targets whose input is not computed at run time are dropped (declined).
std::unordered_map<std::string, ir::Tensor> mean_inputs(const ir::Graph& g, std::vector<Target>& targets,
                                                        const PassContext& context, PassResult& result) {
  const std::vector<ir::Tensor> rows = exec::as_graph_input_rows(g, context.calibration_inputs, "calibration data");
  std::unordered_map<std::string, RowSum> sums;
  for (const Target& t : targets) sums[t.node->input(0)->name];
  for (size_t i = 0; i < g.inputs().size(); ++i)
    if (auto it = sums.find(g.inputs()[i]->name); it != sums.end()) it->second.add(rows[i]);
  exec::Executor(g, context.executor).run(rows, [&](const exec::ObservedValue& v) {
    if (auto it = sums.find(v.name); it != sums.end()) it->second.add(v.value);
  });
  std::erase_if(targets, [&](const Target& t) {
    const bool unseen = sums.at(t.node->input(0)->name).rows == 0;
    if (unseen) result.decline(t.node->name, "its input is not computed at run time");
    return unseen;
  });
  std::unordered_map<std::string, ir::Tensor> means;
  for (const Target& t : targets) {
    const ir::Value* x = t.node->input(0);
    const RowSum& s = sums.at(x->name);
    std::vector<double> mean(s.sum);
    for (double& m : mean) m /= static_cast<double>(s.rows);
    means.emplace(x->name, float_tensor(*x->shape, mean));
  }
  return means;
}

// Per output channel (axis 1), the mean over every other position of `node` run on `x` with
// weights `dw`, without bias and clamp.
std::vector<double> mean_error(const ir::Graph& g, const ir::Node& node, const ir::Tensor& x, const ir::Tensor& dw) {
  ir::Graph scratch;
  scratch.opset_imports = g.opset_imports;
  ir::Value* in = scratch.add_input("x", ir::DType::Float32, x.shape());
  ir::Node* layer = scratch.add_node(node.op_type, {in, scratch.add_constant("w", dw)}, {"y"}, "layer");
  layer->attrs = node.attrs;
  for (const char* key : {"fused_activation", "activation_min", "activation_max"}) layer->attrs.erase(key);
  exec::infer_shapes(scratch);
  const ir::Tensor y = exec::evaluate_node(*layer, {&x, &dw}, exec::model_opset(scratch)).front();
  const ir::Shape& s = y.shape();
  const int64_t channels = s.size() >= 2 ? s[1] : 1;
  int64_t inner = 1;
  for (size_t d = 2; d < s.size(); ++d) inner *= s[d];
  const int64_t outer = s.empty() ? 1 : s[0];
  std::vector<double> error(static_cast<size_t>(channels), 0.0);
  const auto v = y.values<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < inner; ++i) error[c] += v[(o * channels + c) * inner + i];
  for (double& e : error) e /= static_cast<double>(outer * inner);
  return error;
}

class BiasCorrection : public Pass {
 public:
  explicit BiasCorrection(const PassOptions& o)
      : weight_scales_(
            parse_weight_scales(o.get_string("weight_scales", "per_channel"), "bias_correction weight_scales")),
        weight_bits_(parse_weight_bits(o.get_string("weight_bits", "8"), "bias_correction weight_bits")) {}

  PassResult run(ir::Graph& g) override {
    PassContext none;
    return run_with_context(g, none);
  }

  PassResult run_with_context(ir::Graph& g, PassContext& context) override {
    if (context.calibration_inputs.empty())
      throw InputError("bias_correction needs calibration data (--calib <.npy or folder>)");
    PassResult result;
    std::vector<Target> targets = find_targets(g, result);
    if (targets.empty()) return result;
    const auto means = mean_inputs(g, targets, context, result);
    for (const Target& t : targets) {
      ir::Node* n = t.node;
      const ir::Tensor& w = n->input(1)->constant();
      const int bits = int4_refusal(*n).empty() ? weight_bits_ : 8;
      const QuantizedConstant wq = quantize_weights(w, t.weight_axis, per_channel_at(weight_scales_, *n, bits), bits);
      const std::vector<float> deq = ir::dequantize(wq.data, wq.quant);
      std::vector<double> dw(static_cast<size_t>(w.num_elements()));
      for (size_t i = 0; i < dw.size(); ++i) dw[i] = deq[i] - w.values<float>()[i];
      const std::vector<double> error = mean_error(g, *n, means.at(n->input(0)->name), float_tensor(w.shape(), dw));
      correct_bias(g, n, error);
      result.record_rewrite();
    }
    return result;
  }

 private:
  // b' = b - error, with a bias of one value per channel created (or widened) as needed. Gemm
  // targets have beta = 1 (int8_form requires it).
  static void correct_bias(ir::Graph& g, ir::Node* n, const std::vector<double>& error) {
    const auto channels = static_cast<int64_t>(error.size());
    const ir::Value* bias = n->input(2);
    const std::vector<double> old = bias ? float_values(bias) : std::vector<double>{0.0};
    std::vector<double> corrected(error.size());
    for (size_t c = 0; c < error.size(); ++c) corrected[c] = old[old.size() == 1 ? 0 : c] - error[c];
    const ir::Shape shape =
        bias && bias->constant().num_elements() == channels ? bias->constant().shape() : ir::Shape{channels};
    if (n->op_type == "MatMul") {
      matmul_to_gemm(g, n, g.add_constant(g.unique_value_name(n->name + "_bias"), float_tensor(shape, corrected)));
      return;
    }
    set_constant_input(g, n, 2, float_tensor(shape, corrected), n->name + "_bias");
  }

  WeightScales weight_scales_;
  int weight_bits_;
};

}  // namespace

PassInfo bias_correction_pass_info() {
  return {"bias_correction",
          "Subtract from each Conv/Gemm bias the mean output error int8 weight rounding causes on the calibration data",
          {{"weight_scales", "per_channel", "weight quantization to correct for; must match quantize_int8"},
           {"weight_bits", "8", "weight width to correct for (8 or 4, rounded to nearest); must match quantize_int8"}},
          false,
          [](const PassOptions& o) -> std::unique_ptr<Pass> { return std::make_unique<BiasCorrection>(o); }};
}

}  // namespace tinyc::passes
