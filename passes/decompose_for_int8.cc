// decompose_for_int8: LayerNormalization and Gelu, which TFLite Micro has no op for, written as ops
// that run in int8 (docs/ops.md). Runs in the int8 pipelines only, before calibration, so each new
// tensor gets its own range; the float model keeps the exact ops.
//
// LayerNormalization over the dims from `axis` on:
//   m = ReduceMean(x), d = Sub(x, m), v = ReduceMean(Mul(d, d)), r = Pow(Add(v, epsilon), -0.5),
//   y = Add(Mul(Mul(d, r), Scale), B)     -> MEAN, SUB, MUL, MEAN, ADD, RSQRT, MUL, MUL, ADD
// Gelu (either form): y = Mul(x, Sigmoid(Mul(x, 1.702)))   -> MUL, LOGISTIC, MUL
// The same normalization as exporters write it below opset 17 needs two more rewrites:
//   Pow(x, 2) -> Mul(x, x), and Div(a, Sqrt(v)) -> Mul(a, Pow(v, -0.5)) where only the Div reads the Sqrt.
// A forward LSTM without sequence_lens whose Y_c is unread computes Y only (the output TFLite's
// UNIDIRECTIONAL_SEQUENCE_LSTM has); a read Y_h becomes the last step of Y:
//   Y_h = Reshape(Slice(Y, last step along the time axis), Y_h's shape)  -> STRIDED_SLICE, RESHAPE
// Math: the LayerNormalization steps are its definition (float results move by rounding steps);
// x * sigmoid(1.702 x) is within 0.021 of either Gelu form at any x (0.020 from the erf form, at
// x = -2.27), about one int8 step of a typical Gelu output range. Declines a LayerNormalization
// whose Mean or InvStdDev output is read.
#include "exec/evaluate.h"
#include "passes/registry.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

constexpr float kGeluSigmoidSlope = 1.702f;

// Adds nodes named after one decomposed node; the last one added takes over its name.
class Writer {
 public:
  Writer(ir::Graph& g, const ir::Node& n) : g_(g), base_(n.name) {}

  ir::Value* op(const std::string& op_type, std::vector<ir::Value*> inputs, const std::string& role) {
    last_ = g_.add_node(op_type, std::move(inputs), {g_.unique_value_name(base_ + "_" + role)},
                        g_.unique_node_name(base_ + "_" + role));
    return last_->output(0);
  }
  ir::Value* scalar(const std::string& role, float value) {
    return g_.add_constant(g_.unique_value_name(base_ + "_" + role), ir::Tensor::scalar<float>(value));
  }
  // ReduceMean over `axes` keeping them: the axes are an attribute before opset 18, an input since.
  ir::Value* mean(ir::Value* x, const std::vector<int64_t>& axes, int64_t opset, const std::string& role) {
    std::vector<ir::Value*> inputs{x};
    if (opset >= 18)
      inputs.push_back(g_.add_constant(g_.unique_value_name(base_ + "_" + role + "_axes"),
                                       ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(axes.size())}, axes)));
    ir::Value* m = op("ReduceMean", inputs, role);
    last_->attrs["keepdims"] = int64_t{1};
    if (opset < 18) last_->attrs["axes"] = axes;
    return m;
  }
  // Replaces `n` by the last node added, which keeps n's name and output name.
  void finish(ir::Node* n) {
    ir::Node* last = last_;
    replace_node(g_, n, {last->output(0)});
    last->name = base_;
  }

 private:
  ir::Graph& g_;
  std::string base_;
  ir::Node* last_ = nullptr;
};

bool decompose_layer_norm(ir::Graph& g, ir::Node* n, int64_t opset, PassResult& result) {
  for (size_t i = 1; i < n->outputs().size(); ++i) {
    const ir::Value* extra = n->output(i);
    if (extra && (!extra->uses().empty() || extra->is_graph_output())) {
      result.decline(n->name, "its Mean or InvStdDev output is read");
      return false;
    }
  }
  ir::Value* x = n->input(0);
  const auto rank = static_cast<int64_t>(x->shape->size());
  int64_t axis = n->attr_int("axis", -1);
  if (axis < 0) axis += rank;
  std::vector<int64_t> axes;
  for (int64_t d = axis; d < rank; ++d) axes.push_back(d);
  Writer w(g, *n);
  ir::Value* centred = w.op("Sub", {x, w.mean(x, axes, opset, "mean")}, "centred");
  ir::Value* variance = w.mean(w.op("Mul", {centred, centred}, "squared"), axes, opset, "variance");
  ir::Value* padded = w.op("Add", {variance, w.scalar("epsilon", n->attr_float("epsilon", 1e-5f))}, "padded_variance");
  ir::Value* inv_std = w.op("Pow", {padded, w.scalar("inverse_sqrt_exponent", -0.5f)}, "inv_std");
  ir::Value* y = w.op("Mul", {w.op("Mul", {centred, inv_std}, "normalized"), n->input(1)}, "scaled");
  if (n->input(2)) w.op("Add", {y, n->input(2)}, "shifted");
  w.finish(n);
  return true;
}

// The Sqrt whose output only `div` reads as its divisor, or nullptr.
ir::Node* sole_sqrt_divisor(const ir::Node& div) {
  ir::Node* sqrt = div.input(1) ? div.input(1)->producer() : nullptr;
  return sqrt && sqrt->domain.empty() && sqrt->op_type == "Sqrt" && sole_user(div.input(1)) == &div ? sqrt : nullptr;
}

// A forward LSTM without sequence_lens whose Y_c is unread and that has a Y_h or Y_c to drop.
bool is_lstm_target(const ir::Node& n) {
  if (n.op_type != "LSTM" || n.attr_string("direction", "forward") != "forward") return false;
  if (n.inputs().size() > 4 && n.input(4)) return false;
  const auto output = [&](size_t i) { return i < n.outputs().size() ? n.output(i) : nullptr; };
  return output(0) && is_unread(output(2)) && (output(1) || output(2));
}

// The LSTM with Y as its only output, and a read Y_h as Y's last step.
void lstm_to_y_only(ir::Graph& g, ir::Node* n, int64_t opset) {
  const ir::Value* y = n->output(0);
  ir::Value* y_h = n->outputs().size() > 1 ? n->output(1) : nullptr;
  ir::Node* lstm = g.add_node("LSTM", n->inputs(), {g.unique_value_name(y->name + "_steps")}, g.unique_node_name(n->name));
  lstm->attrs = n->attrs;
  ir::Value* last = nullptr;
  if (!is_unread(y_h)) {
    const int64_t time_axis = n->attr_int("layout", 0) == 0 ? 0 : 1;
    const int64_t steps = (*y->shape)[static_cast<size_t>(time_axis)];
    auto ints = [&](const std::string& role, std::vector<int64_t> v) {
      return g.add_constant(g.unique_value_name(n->name + "_" + role),
                            ir::Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v));
    };
    std::vector<ir::Value*> slice_inputs{lstm->output(0)};
    if (opset >= 10)
      for (auto [role, v] : {std::pair{"last_start", steps - 1}, {"last_end", steps}, {"time_axis", time_axis}})
        slice_inputs.push_back(ints(role, {v}));
    ir::Node* slice = g.add_node("Slice", slice_inputs, {g.unique_value_name(n->name + "_last_step")},
                                 g.unique_node_name(n->name + "_last_step"));
    if (opset < 10) slice->attrs = {{"starts", std::vector<int64_t>{steps - 1}}, {"ends", std::vector<int64_t>{steps}},
                                    {"axes", std::vector<int64_t>{time_axis}}};
    ir::Node* reshape = g.add_node("Reshape", {slice->output(0), ints("state_shape", *y_h->shape)},
                                   {g.unique_value_name(y_h->name + "_from_y")}, g.unique_node_name(n->name + "_y_h"));
    last = reshape->output(0);
  }
  const std::string name = n->name;
  std::vector<ir::Value*> replacements(n->outputs().size(), nullptr);
  replacements[0] = lstm->output(0);
  if (last) replacements[1] = last;
  replace_node(g, n, replacements);
  lstm->name = name;
}

bool is_target(const ir::Node& n) {
  if (!n.domain.empty()) return false;
  if (n.op_type == "LayerNormalization" || n.op_type == "Gelu" || is_lstm_target(n)) return true;
  if (n.op_type == "Pow") return float_scalar(n.input(1)) == 2.0f;
  return n.op_type == "Div" && sole_sqrt_divisor(n) != nullptr;
}

void decompose_gelu(ir::Graph& g, ir::Node* n) {
  Writer w(g, *n);
  ir::Value* x = n->input(0);
  ir::Value* gate = w.op("Sigmoid", {w.op("Mul", {x, w.scalar("slope", kGeluSigmoidSlope)}, "scaled")}, "gate");
  w.op("Mul", {x, gate}, "gated");
  w.finish(n);
}

// Pow(x, 2) -> Mul(x, x).
void square_as_mul(ir::Graph& g, ir::Node* n) {
  Writer w(g, *n);
  w.op("Mul", {n->input(0), n->input(0)}, "squared");
  w.finish(n);
}

// Div(a, Sqrt(v)) -> Mul(a, Pow(v, -0.5)); the Sqrt, read by nothing else, goes too.
void div_by_sqrt_as_mul(ir::Graph& g, ir::Node* n) {
  ir::Node* sqrt = sole_sqrt_divisor(*n);
  Writer w(g, *n);
  ir::Value* inv_sqrt = w.op("Pow", {sqrt->input(0), w.scalar("inverse_sqrt_exponent", -0.5f)}, "inv_sqrt");
  w.op("Mul", {n->input(0), inv_sqrt}, "scaled");
  w.finish(n);
  g.erase_node(sqrt);
}

class DecomposeForInt8 : public Pass {
 public:
  PassResult run(ir::Graph& g) override {
    PassResult result;
    const int64_t opset = exec::model_opset(g);
    std::vector<ir::Node*> targets;
    for (ir::Node* n : g.topological_order())
      if (is_target(*n)) targets.push_back(n);
    for (ir::Node* n : targets) {
      const ir::Value* x = n->input(0);
      if (!x || x->dtype != ir::DType::Float32 || !x->shape) {
        result.decline(n->name, "the input is not float32 with a known shape");
        continue;
      }
      if (n->op_type == "Gelu") {
        decompose_gelu(g, n);
      } else if (n->op_type == "LSTM") {
        if (n->outputs().size() > 1 && !is_unread(n->output(1)) && !n->output(1)->shape) {
          result.decline(n->name, "Y_h has no known shape");
          continue;
        }
        lstm_to_y_only(g, n, opset);
      } else if (n->op_type == "Pow") {
        square_as_mul(g, n);
      } else if (n->op_type == "Div") {
        div_by_sqrt_as_mul(g, n);
      } else if (!decompose_layer_norm(g, n, opset, result)) {
        continue;
      }
      result.record_rewrite();
    }
    return result;
  }
};

}  // namespace

PassInfo decompose_for_int8_pass_info() {
  return {"decompose_for_int8",
          "Write LayerNormalization and Gelu as ops with int8 forms (MEAN, SUB, MUL, RSQRT, ADD; MUL, LOGISTIC); "
          "Pow(x, 2) as Mul(x, x) and Div by a Sqrt as Mul by Pow(-0.5); a forward LSTM's Y_h as the last step of Y, "
          "so it computes Y only (TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM)",
          {},
          false,
          [](const PassOptions&) -> std::unique_ptr<Pass> { return std::make_unique<DecomposeForInt8>(); }};
}

}  // namespace tinyc::passes
