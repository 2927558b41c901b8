// equalize_cross_layer: cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization Through
// Weight Equalization and Bias Correction") of two linear layers in a row, so that per-channel weight
// ranges suit int8, without changing what the graph computes.
//
// Before: x -> L1(W1, b1) -> [Relu | MaxPool | AveragePool | GlobalAveragePool | Pad 0 | Flatten]* -> L2(W2) -> z
// After:  W1'[c] = W1[c] / s_c, b1'[c] = b1[c] / s_c, W2' = W2 with input channel c times s_c,
//         s_c = sqrt(r1_c * r2_c) / r2_c, r1_c = max |W1 output channel c|, r2_c = max |W2 input channel c|,
// so both ranges become sqrt(r1_c * r2_c). Exact: Relu, max and average pooling and zero padding
// commute with a positive per-channel scale; Flatten only where each channel is one element.
// L1 and L2 are Conv (plain, grouped or depthwise), Gemm (transA = 0) or MatMul with float32
// constant weights; L1 may carry a fused Relu. Every value between them must have no other reader.
// Declined: a clamp with a finite upper bound or a non-zero lower bound between the layers, fused
// or not. ReLU6 is such a clamp: clip(x / s, 0, 6) != clip(x, 0, 6) / s, and the IR has no
// per-channel clamp that could be rescaled to [0, 6 / s_c].
// Pairs are swept until no scale moves by more than 0.1 % (at most 16 sweeps), so a layer in the
// middle of a chain balances against both neighbours. A channel with an all-zero side keeps s = 1.
#include <cmath>
#include <limits>
#include <optional>

#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

constexpr int kMaxSweeps = 16;
constexpr double kSettled = 1e-3;

bool is_linear_layer(const ir::Node& n) {
  if (!n.domain.empty() || !is_float32_constant(n.input(1)) || n.input(1)->constant().num_elements() == 0) return false;
  const size_t weight_rank = n.input(1)->constant().shape().size();
  if (n.op_type == "Conv") return weight_rank >= 3 && (!n.input(2) || is_float32_constant(n.input(2)));
  if (n.op_type == "Gemm")
    return weight_rank == 2 && n.attr_int("transA", 0) == 0 && (!n.input(2) || is_float32_constant(n.input(2)));
  return n.op_type == "MatMul" && weight_rank == 2;
}

// For every weight element, the output channel (as_output) or input channel it belongs to.
std::vector<int64_t> channel_of_elements(const ir::Node& n, bool as_output) {
  const ir::Shape& s = n.input(1)->constant().shape();
  const int64_t count = n.input(1)->constant().num_elements();
  std::vector<int64_t> channel(static_cast<size_t>(count));
  const bool trans_b = n.op_type == "Gemm" && n.attr_int("transB", 0) != 0;
  for (int64_t i = 0; i < count; ++i) {
    int64_t c;
    if (n.op_type == "Conv") {
      const int64_t per_out = count / s[0], per_group_out = s[0] / n.attr_int("group", 1);
      const int64_t o = i / per_out, j = (i % per_out) / (per_out / s[1]);
      c = as_output ? o : (o / per_group_out) * s[1] + j;
    } else {
      const int64_t row = i / s[1], col = i % s[1];  // B' = B^T when transposed: rows are outputs
      c = (as_output == trans_b) ? row : col;
    }
    channel[static_cast<size_t>(i)] = c;
  }
  return channel;
}

int64_t input_channels(const ir::Node& n) {
  const ir::Shape& s = n.input(1)->constant().shape();
  if (n.op_type == "Conv") return s[1] * n.attr_int("group", 1);
  const bool trans_b = n.op_type == "Gemm" && n.attr_int("transB", 0) != 0;
  return trans_b ? s[1] : s[0];
}

int64_t output_channels(const ir::Node& n) {
  const ir::Shape& s = n.input(1)->constant().shape();
  const bool trans_b = n.op_type == "Gemm" && n.attr_int("transB", 0) != 0;
  return n.op_type == "Conv" || trans_b ? s[0] : s[1];
}

// Max |w| per channel.
std::vector<double> channel_ranges(const ir::Node& n, bool as_output, int64_t channels) {
  std::vector<double> r(static_cast<size_t>(channels), 0.0);
  const std::vector<int64_t> ch = channel_of_elements(n, as_output);
  const auto w = n.input(1)->constant().values<float>();
  for (size_t i = 0; i < w.size(); ++i) r[ch[i]] = std::max(r[ch[i]], std::fabs(static_cast<double>(w[i])));
  return r;
}

void scale_weights(ir::Graph& g, ir::Node* n, bool as_output, const std::vector<double>& factor) {
  const std::vector<int64_t> ch = channel_of_elements(*n, as_output);
  std::vector<double> w = float_values(n->input(1));
  for (size_t i = 0; i < w.size(); ++i) w[i] *= factor[ch[i]];
  set_constant_input(g, n, 1, float_tensor(n->input(1)->constant().shape(), w), n->name + "_weight");
}

void scale_bias(ir::Graph& g, ir::Node* n, const std::vector<double>& factor) {
  const ir::Value* b = n->input(2);
  if (!b) return;
  const std::vector<double> old = float_values(b);
  std::vector<double> scaled(factor.size());
  for (size_t c = 0; c < factor.size(); ++c) scaled[c] = old[old.size() == 1 ? 0 : c] * factor[c];
  const ir::Shape shape =
      old.size() == factor.size() ? b->constant().shape() : ir::Shape{static_cast<int64_t>(factor.size())};
  set_constant_input(g, n, 2, float_tensor(shape, scaled), n->name + "_bias");
}

// A clamp [lo, hi] commutes with a positive scale only when it is a Relu or no clamp at all.
bool commutes_with_scale(double lo, double hi) {
  return (lo == 0 || lo == -std::numeric_limits<double>::infinity()) && hi == std::numeric_limits<double>::infinity();
}

// A Flatten at axis 1 of [N, C, 1, ..., 1]: channel c stays element c.
bool flattens_channels_only(const ir::Node& flatten) {
  const ir::Value* x = flatten.input(0);
  if (!x->shape || x->shape->size() < 2 || flatten.attr_int("axis", 1) != 1) return false;
  for (size_t d = 2; d < x->shape->size(); ++d)
    if ((*x->shape)[d] != 1) return false;
  return true;
}

// Whether `n` passes each channel through scaled as its input is; fills `why` for a clamp that does not.
bool passes_scale_through(const ir::Node& n, std::string& why) {
  const std::string& op = n.op_type;
  if (op == "Relu" || op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") return true;
  if (op == "Flatten") return flattens_channels_only(n);
  if (op == "Pad") {
    const ir::Value* value = n.input(2);
    return n.attr_string("mode", "constant") == "constant" && n.attr_float("value", 0.0f) == 0.0f &&
           (!value || (is_float32_constant(value) && value->constant().values<float>()[0] == 0.0f));
  }
  if (op == "Clip") why = "a Clip between the layers does not commute with per-channel scaling";
  return false;
}

struct LayerPair {
  ir::Node* first;
  ir::Node* second;
};

// The layer L2 that `first` pairs with; nullopt (with `why` when worth reporting) otherwise.
std::optional<LayerPair> pair_from(ir::Node* first, std::string& why) {
  const double lo = first->attr_float("activation_min", -std::numeric_limits<float>::infinity());
  const double hi = first->attr_float("activation_max", std::numeric_limits<float>::infinity());
  if (!commutes_with_scale(lo, hi)) {
    why = "its fused clamp [" + std::to_string(lo) + ", " + std::to_string(hi) +
          "] does not commute with per-channel scaling";
    return std::nullopt;
  }
  const ir::Value* v = first->output(0);
  if (first->op_type != "Conv" && v->shape.value_or(ir::Shape{}).size() != 2) return std::nullopt;
  for (ir::Node* next = sole_user(v); next; next = sole_user(v)) {
    if (next->input(0) != v) return std::nullopt;
    if (is_linear_layer(*next)) {
      if (input_channels(*next) != output_channels(*first)) return std::nullopt;
      // Channels run along axis 1 between the layers; for a matrix product that is its last axis.
      if (next->op_type != "Conv" && v->shape.value_or(ir::Shape{}).size() != 2) return std::nullopt;
      return LayerPair{first, next};
    }
    if (!passes_scale_through(*next, why)) return std::nullopt;
    v = next->output(0);
  }
  return std::nullopt;
}

// One equalization step of a pair; returns the largest |log s_c|.
double equalize(ir::Graph& g, const LayerPair& p) {
  const int64_t channels = output_channels(*p.first);
  const std::vector<double> r1 = channel_ranges(*p.first, true, channels);
  const std::vector<double> r2 = channel_ranges(*p.second, false, channels);
  std::vector<double> s(static_cast<size_t>(channels), 1.0), inverse(s.size(), 1.0);
  double moved = 0;
  for (size_t c = 0; c < s.size(); ++c) {
    if (r1[c] == 0 || r2[c] == 0) continue;
    s[c] = std::sqrt(r1[c] * r2[c]) / r2[c];
    inverse[c] = 1 / s[c];
    moved = std::max(moved, std::fabs(std::log(s[c])));
  }
  scale_weights(g, p.first, true, inverse);
  scale_bias(g, p.first, inverse);
  scale_weights(g, p.second, false, s);
  return moved;
}

class EqualizeCrossLayer : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    std::vector<LayerPair> pairs;
    for (ir::Node* n : g.topological_order()) {
      if (!is_linear_layer(*n)) continue;
      std::string why;
      if (const std::optional<LayerPair> p = pair_from(n, why))
        pairs.push_back(*p);
      else if (!why.empty())
        result.decline(n->name, why);
    }
    for (int sweep = 0; sweep < kMaxSweeps && !pairs.empty(); ++sweep) {
      double moved = 0;
      for (const LayerPair& p : pairs) moved = std::max(moved, equalize(g, p));
      if (moved < kSettled) break;
    }
    for (size_t i = 0; i < pairs.size(); ++i) result.record_rewrite();
    return result;
  }
};

}  // namespace

PassInfo equalize_cross_layer_pass_info() {
  return {"equalize_cross_layer",
          "Balance the per-channel weight ranges of consecutive Conv/Gemm layers (cross-layer equalization)",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<EqualizeCrossLayer>(); }};
}

}  // namespace tinyc::passes
