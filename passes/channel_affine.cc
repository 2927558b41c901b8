// Per-channel affine absorption. With y = W * x + b and a per-channel affine (s, t):
//   s * y + t = (s . W) * x + (s * b + t),
// so every weight that feeds output channel c is multiplied by s[c] and the bias becomes s*b + t.
// Output channels are W's dim 0 for Conv, (group, dim 1) for ConvTranspose, the columns of B' for
// Gemm and MatMul. Arithmetic is done in double and rounded once to float32.
#include "passes/channel_affine.h"

#include <optional>

#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

// The producer's output channel count and the output axis that indexes them.
struct ChannelLayout {
  int64_t channels;
  int64_t axis;
};

std::optional<ChannelLayout> channel_layout(const ir::Node& n) {
  const ir::Value* out = n.output(0);
  if (!out || !out->shape || out->shape->empty()) return std::nullopt;
  const ir::Shape& s = *out->shape;
  if (n.op_type == "MatMul") return ChannelLayout{s.back(), static_cast<int64_t>(s.size()) - 1};
  if (s.size() < 2) return std::nullopt;
  return ChannelLayout{s[1], 1};
}

double at(const std::vector<double>& v, int64_t c) { return v.size() == 1 ? v[0] : v[static_cast<size_t>(c)]; }

bool has_shift(const ChannelAffine& a) {
  for (double t : a.shift)
    if (t != 0) return true;
  return false;
}

bool fits(const std::vector<double>& v, int64_t channels) {
  return v.size() <= 1 || static_cast<int64_t>(v.size()) == channels;
}

std::string weight_refusal(const ir::Node& n, int64_t channels) {
  const ir::Value* w = n.input(1);
  if (!is_float32_constant(w)) return n.op_type + " weights are not float32 constants";
  const ir::Shape& ws = w->constant().shape();
  if (n.op_type == "Gemm" || n.op_type == "MatMul") {
    if (ws.size() != 2) return n.op_type + " weights are not a matrix";
  } else if (ws.size() < 2) {
    return n.op_type + " weights have rank < 2";
  }
  const ir::Value* bias = n.input(2);
  if (bias && !is_float32_constant(bias)) return n.op_type + " bias is not a float32 constant";
  if (n.op_type == "Gemm" && bias && !is_per_column_bias(bias->constant().shape(), channels))
    return "Gemm bias C varies along rows";
  return "";
}

void scale_conv(ir::Graph& g, ir::Node* n, const ChannelAffine& a) {
  const ir::Value* w = n->input(1);
  const ir::Shape shape = w->constant().shape();
  std::vector<double> weights = float_values(w);
  const int64_t per_channel = static_cast<int64_t>(weights.size()) / shape[0];
  for (int64_t m = 0; m < shape[0]; ++m)
    for (int64_t i = 0; i < per_channel; ++i) weights[m * per_channel + i] *= at(a.scale, m);
  set_constant_input(g, n, 1, float_tensor(shape, weights), n->name + "_weight");
}

// ConvTranspose weights are [C_in, M/group, k...]; output channel of (c, j) is group(c) * M/group + j.
void scale_conv_transpose(ir::Graph& g, ir::Node* n, const ChannelAffine& a) {
  const ir::Value* w = n->input(1);
  const ir::Shape shape = w->constant().shape();
  std::vector<double> weights = float_values(w);
  const int64_t group = n->attr_int("group", 1);
  const int64_t in_per_group = shape[0] / group;
  const int64_t out_per_group = shape[1];
  const int64_t per_pair = static_cast<int64_t>(weights.size()) / (shape[0] * shape[1]);
  for (int64_t c = 0; c < shape[0]; ++c)
    for (int64_t j = 0; j < out_per_group; ++j) {
      const double s = at(a.scale, (c / in_per_group) * out_per_group + j);
      for (int64_t i = 0; i < per_pair; ++i) weights[(c * out_per_group + j) * per_pair + i] *= s;
    }
  set_constant_input(g, n, 1, float_tensor(shape, weights), n->name + "_weight");
}

// Scales the columns of B' (B's rows when transposed).
void scale_matrix(ir::Graph& g, ir::Node* n, const ChannelAffine& a, bool transposed) {
  const ir::Value* b = n->input(1);
  const ir::Shape shape = b->constant().shape();
  std::vector<double> weights = float_values(b);
  for (int64_t r = 0; r < shape[0]; ++r)
    for (int64_t c = 0; c < shape[1]; ++c) weights[r * shape[1] + c] *= at(a.scale, transposed ? r : c);
  set_constant_input(g, n, 1, float_tensor(shape, weights), n->name + "_weight");
}

// The new bias s * (beta * b) + t over all channels; b absent counts as zero.
std::vector<double> shifted_bias(const ir::Value* bias, double beta, int64_t channels, const ChannelAffine& a) {
  std::vector<double> b(static_cast<size_t>(channels), 0.0);
  const std::vector<double> old = bias ? float_values(bias) : std::vector<double>{0.0};
  for (int64_t c = 0; c < channels; ++c) {
    b[c] = beta * at(old, c) * at(a.scale, c);
    if (!a.shift.empty()) b[c] += at(a.shift, c);
  }
  return b;
}

}  // namespace

bool is_affine_absorber(const ir::Node& node) {
  const std::string& op = node.op_type;
  return node.domain.empty() && (op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul");
}

std::string absorb_refusal(const ir::Node& producer, const ChannelAffine& affine) {
  if (!is_affine_absorber(producer)) return producer.op_type + " has no weights to absorb a scale";
  if (producer.has_attr("fused_activation")) return producer.name + " has a fused activation the affine follows";
  const std::optional<ChannelLayout> layout = channel_layout(producer);
  if (!layout) return "the output shape of " + producer.name + " is unknown";
  if (!fits(affine.scale, layout->channels) || !fits(affine.shift, layout->channels))
    return "the affine has a different channel count than " + producer.name;
  const bool per_channel = affine.scale.size() > 1 || affine.shift.size() > 1;
  if (per_channel && affine.axis != layout->axis)
    return "the affine runs along axis " + std::to_string(affine.axis) + ", the channels of " + producer.name +
           " along axis " + std::to_string(layout->axis);
  if (std::string why = weight_refusal(producer, layout->channels); !why.empty()) return why;
  if (producer.op_type == "MatMul" && has_shift(affine) && (producer.input(0)->shape.value_or(ir::Shape{}).size() != 2))
    return "a shift into a MatMul needs a 2-D input (it becomes a Gemm bias)";
  return "";
}

ir::Node* absorb_affine(ir::Graph& g, ir::Node* n, const ChannelAffine& a) {
  const int64_t channels = channel_layout(*n)->channels;
  const std::string& op = n->op_type;
  if (op == "MatMul") {
    scale_matrix(g, n, a, false);
    if (!has_shift(a)) return n;
    ir::Value* bias = g.add_constant(g.unique_value_name(n->name + "_bias"),
                                     float_tensor({channels}, shifted_bias(nullptr, 1, channels, a)));
    return matmul_to_gemm(g, n, bias);
  }
  double beta = 1;
  if (op == "Gemm") {
    scale_matrix(g, n, a, n->attr_int("transB", 0) != 0);
    beta = n->attr_float("beta", 1.0f);
  } else if (op == "Conv") {
    scale_conv(g, n, a);
  } else {
    scale_conv_transpose(g, n, a);
  }
  if (!n->input(2) && !has_shift(a)) return n;
  set_constant_input(g, n, 2, float_tensor({channels}, shifted_bias(n->input(2), beta, channels, a)),
                     n->name + "_bias");
  n->attrs.erase("beta");
  return n;
}

bool is_per_column_bias(const ir::Shape& c, int64_t columns) {
  if (c.size() > 2 || (c.size() == 2 && c[0] != 1)) return false;
  return c.empty() || c.back() == 1 || c.back() == columns;
}

ir::Node* matmul_to_gemm(ir::Graph& g, ir::Node* matmul, ir::Value* bias) {
  std::vector<ir::Value*> inputs{matmul->input(0), matmul->input(1)};
  if (bias) inputs.push_back(bias);
  const std::string name = matmul->name;
  ir::Node* gemm = g.add_node("Gemm", inputs, {g.unique_value_name(matmul->output(0)->name + "_gemm")},
                              g.unique_node_name(name + "_gemm"));
  replace_node(g, matmul, {gemm->output(0)});
  gemm->name = name;
  return gemm;
}

}  // namespace tinyc::passes
