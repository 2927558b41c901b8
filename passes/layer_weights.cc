// round_layer_weights: one capture of the measured layers' inputs, one gram matrix per group of
// each, then each width rounded.
#include "passes/layer_weights.h"

#include "exec/capture.h"
#include "exec/evaluate.h"
#include "exec/input_data.h"
#include "ir/dequantize.h"
#include "ir/error.h"
#include "passes/int8_forms.h"
#include "passes/optimal_rounding.h"
#include "passes/prune/output_error.h"
#include "passes/prune/patches.h"
#include "passes/rewrite_util.h"
#include "passes/transposed_product.h"

namespace tinyc::passes {

namespace {

constexpr int64_t kMaxRows = 256;

struct Layer {
  const ir::Node* node;
  int64_t weight_axis;
  std::optional<PatchGeometry> geometry;
};

// X^T X of the layer's input patches (with the bias's 1), one per group.
std::vector<Eigen::MatrixXd> layer_grams(const PatchGeometry& p, const ir::Tensor& x) {
  const std::vector<Sample> samples = draw_samples(p, x.shape()[0]);
  std::vector<Eigen::MatrixXd> grams;
  for (int64_t g = 0; g < p.groups; ++g) {
    const Eigen::MatrixXd patches = gather_patches(p, x, samples, p.groups, g);
    grams.push_back(gram(patches));
  }
  return grams;
}

std::vector<ir::Tensor> measured_inputs(const ir::Graph& g, const std::vector<ir::Tensor>& rows,
                                        const std::vector<Layer>& layers, const exec::ExecutorOptions& executor) {
  const std::vector<ir::Tensor> inputs = first_rows(exec::as_graph_input_rows(g, rows, "calibration data"), kMaxRows);
  std::vector<std::string> names;
  for (const Layer& l : layers) names.push_back(l.node->input(0)->name);
  return exec::capture_values(g, inputs, names, executor);
}

QuantizedLayer optimal_weights(const Layer& l, const std::vector<Eigen::MatrixXd>& grams, bool per_channel, int bits) {
  const ir::Node& n = *l.node;
  const RoundedLayer r = round_optimally(weight_matrix(n), grams, bits, per_channel);
  const ir::Shape& shape = n.input(1)->constant().shape();
  QuantizedLayer out;
  out.weights.data = ir::Tensor::from_vector<int8_t>(shape, r.values);
  out.weights.quant.scale = r.scales;
  out.weights.quant.zero_point.assign(r.scales.size(), 0);
  out.weights.quant.axis = per_channel ? l.weight_axis : 0;
  out.weights.quant.bits = bits;
  const auto outputs = static_cast<int64_t>(r.bias.size());
  const ir::Value* b = n.input(2);
  out.bias = float_tensor(b && b->constant().num_elements() == outputs ? b->constant().shape() : ir::Shape{outputs},
                          r.bias);
  out.relative_error = r.relative_error;
  return out;
}

// `w` ([outputs, inputs + 1], bias last) with its weights replaced by the dequantized `q`, whose
// elements run in the same output-major order (Conv; Gemm with transB = 1).
Eigen::MatrixXd with_weights(const Eigen::MatrixXd& w, const QuantizedConstant& q) {
  const std::vector<float> values = ir::dequantize(q.data, q.quant);
  Eigen::MatrixXd out = w;
  const Eigen::Index inputs = w.cols() - 1;
  for (Eigen::Index r = 0; r < w.rows(); ++r)
    for (Eigen::Index i = 0; i < inputs; ++i) out(r, i) = values[static_cast<size_t>(r * inputs + i)];
  return out;
}

}  // namespace

Rounding parse_rounding(const std::string& text, const std::string& what) {
  if (text == "nearest") return Rounding::Nearest;
  if (text == "optimal") return Rounding::Optimal;
  throw InputError(what + ": '" + text + "' is not a rounding; use nearest or optimal");
}

int parse_weight_bits(const std::string& text, const std::string& what) {
  if (text == "8" || text == "4") return text == "8" ? 8 : 4;
  throw InputError(what + ": '" + text + "' is not a weight width; use 8 or 4");
}

bool int4_op_type(const std::string& op_type) { return op_type == "Conv" || op_type == "Gemm" || op_type == "MatMul"; }

std::string int4_refusal(const ir::Node& n) {
  if (!int4_op_type(n.op_type)) return "TFLM has no 4-bit kernel for " + n.op_type;
  if (n.op_type != "Conv") return "";
  const int64_t groups = n.attr_int("group", 1);
  if (groups == 1 || n.input(1)->constant().shape()[0] == groups) return "";
  return "a depthwise Conv with depth multiplier " + std::to_string(n.input(1)->constant().shape()[0] / groups) +
         ": CMSIS-NN's 4-bit kernel computes it differently from TFLM's reference kernel";
}

bool per_channel_at(WeightScales scales, const ir::Node& n, int bits) {
  if (bits == 4 && (n.op_type == "Gemm" || n.op_type == "MatMul")) return false;
  return per_channel_weights(scales, n);
}

WeightTable round_layer_weights(const ir::Graph& g, const std::vector<ir::Tensor>& rows,
                                const exec::ExecutorOptions& executor, WeightScales scales, Rounding rounding,
                                const std::vector<int>& widths, bool measure) {
  const int64_t opset = exec::model_opset(g);
  std::vector<Layer> layers, measured;
  for (const ir::Node* n : g.topological_order()) {
    std::string why;
    const std::optional<Int8Form> f = int8_form(*n, opset, why);
    if (!f || !f->weighted) continue;
    const bool matrix_rows = n->op_type == "Conv" || (n->op_type == "Gemm" && n->attr_int("transB", 0) == 1);
    layers.push_back({n, f->weight_axis, matrix_rows ? patch_geometry(*n) : std::nullopt});
    if (layers.back().geometry && (measure || rounding == Rounding::Optimal)) measured.push_back(layers.back());
  }
  std::map<std::string, std::vector<Eigen::MatrixXd>> grams;
  if (!measured.empty()) {
    const std::vector<ir::Tensor> inputs = measured_inputs(g, rows, measured, executor);
    for (size_t i = 0; i < measured.size(); ++i)
      grams.emplace(measured[i].node->name, layer_grams(*measured[i].geometry, inputs[i]));
  }
  WeightTable table;
  for (const Layer& l : layers) {
    const ir::Node& n = *l.node;
    const auto it = grams.find(n.name);
    for (int bits : widths) {
      if (bits == 4 && !int4_refusal(n).empty()) continue;
      const bool per_channel = per_channel_at(scales, n, bits);
      if (it != grams.end() && rounding == Rounding::Optimal) {
        table[n.name][bits] = optimal_weights(l, it->second, per_channel, bits);
        continue;
      }
      QuantizedLayer& w = table[n.name][bits];
      w.weights = quantize_weights(n.input(1)->constant(), l.weight_axis, per_channel, bits);
      if (it != grams.end()) {
        const Eigen::MatrixXd exact = weight_matrix(n);
        w.relative_error = output_relative_error(exact, with_weights(exact, w.weights), it->second);
      }
    }
  }
  return table;
}

}  // namespace tinyc::passes
