// The int8 op table, one guard clause per condition, cheapest first.
#include "passes/int8_forms.h"

#include <algorithm>
#include <map>

#include "exec/int8_reference/int8_rsqrt.h"
#include "exec/shape/resizing.h"
#include "ir/error.h"
#include "ir/value.h"
#include "passes/channel_affine.h"
#include "passes/rewrite_util.h"

namespace tinyc::passes {

namespace {

using exec::int8_reference::AffineParams;

size_t rank_of(const ir::Value* v) { return v && v->shape ? v->shape->size() : 0; }

// A value computed at run time that is float32 or already int8 (its producer was quantized first).
bool is_activation(const ir::Value* v) {
  return v && !v->is_constant() && (v->dtype == ir::DType::Float32 || (v->dtype == ir::DType::Int8 && v->quant));
}

// Extra outputs (MaxPool's Indices, Dropout's mask) beyond the `used` int8 ones must be absent or unread.
bool only_leading_outputs_used(const ir::Node& n, size_t used) {
  for (size_t i = used; i < n.outputs().size(); ++i)
    if (!is_unread(n.output(i))) return false;
  return true;
}

std::optional<Int8Form> refuse(std::string& why, std::string reason) {
  why = std::move(reason);
  return std::nullopt;
}

Int8Form form(OutputParams output, std::vector<size_t> activations) {
  Int8Form f;
  f.output = output;
  f.activations = std::move(activations);
  return f;
}

Int8Form fixed(AffineParams params) {
  Int8Form f = form(OutputParams::Fixed, {0});
  f.fixed = params;
  return f;
}

std::optional<Int8Form> weighted(const ir::Node& n, int64_t axis, std::string& why) {
  const ir::Value* bias = n.input(2);
  if (!is_float32_constant(n.input(1))) return refuse(why, "weights are not float32 constants");
  if (bias && !is_float32_constant(bias)) return refuse(why, "bias is not a float32 constant");
  Int8Form f = form(OutputParams::Own, {0});
  f.weighted = true;
  f.weight_axis = axis;
  return f;
}

std::optional<Int8Form> conv_form(const ir::Node& n, std::string& why) {
  if (rank_of(n.input(0)) != 4) return refuse(why, "only 2-D convolutions run in int8");
  const ir::Value* w = n.input(1);
  const int64_t group = n.attr_int("group", 1);
  if (n.op_type == "ConvTranspose") {
    if (group != 1) return refuse(why, "grouped ConvTranspose has no int8 kernel");
    return weighted(n, 1, why);
  }
  const bool depthwise = group == (*n.input(0)->shape)[1] && rank_of(w) == 4 && (*w->shape)[1] == 1;
  if (group != 1 && !depthwise)
    return refuse(why, "Conv with group " + std::to_string(group) + " is neither plain nor depthwise");
  return weighted(n, 0, why);
}

// A constant-weight MatMul's leading input dims are rows (a transformer's tokens); Gemm's input is a matrix.
std::optional<Int8Form> gemm_form(const ir::Node& n, std::string& why) {
  const bool matmul = n.op_type == "MatMul";
  if (matmul ? rank_of(n.input(0)) < 2 : rank_of(n.input(0)) != 2) return refuse(why, "the input is not a matrix");
  const ir::Value* b = n.input(1);
  if (rank_of(b) != 2) return refuse(why, "weights are not a matrix");
  if (matmul) return weighted(n, 1, why);
  if (n.attr_int("transA", 0) != 0) return refuse(why, "transA has no int8 kernel");
  if (n.attr_float("alpha", 1.0f) != 1.0f || n.attr_float("beta", 1.0f) != 1.0f)
    return refuse(why, "alpha or beta is not 1");
  const bool trans_b = n.attr_int("transB", 0) != 0;
  const ir::Value* c = n.input(2);
  if (c && c->shape && !is_per_column_bias(*c->shape, (*b->shape)[trans_b ? 0 : 1]))
    return refuse(why, "the bias varies along rows");
  return weighted(n, trans_b ? 0 : 1, why);
}

// MatMul: a constant weight makes it a FullyConnected layer (gemm_form); two activations of rank 2
// to 5 run as BATCH_MATMUL with the output's own range.
std::optional<Int8Form> matmul_form(const ir::Node& n, int64_t, std::string& why) {
  if (!is_activation(n.input(1))) return gemm_form(n, why);
  for (size_t i : {size_t{0}, size_t{1}})
    if (rank_of(n.input(i)) < 2 || rank_of(n.input(i)) > 5)
      return refuse(why, "a MatMul of two activations runs in int8 on ranks 2 to 5");
  return form(OutputParams::Own, {0, 1});
}

// Add, Sub, Mul and Concat: activations int8, float constants quantized per tensor.
std::optional<Int8Form> operands_form(const ir::Node& n, OutputParams output, std::string& why) {
  Int8Form f = form(output, {});
  for (size_t i = 0; i < n.inputs().size(); ++i) {
    const ir::Value* v = n.input(i);
    if (is_activation(v))
      f.activations.push_back(i);
    else if (is_float32_constant(v))
      f.constants.push_back(i);
    else
      return refuse(why, "input " + std::to_string(i) + " is not float32");
  }
  if (f.activations.empty()) return refuse(why, "every input is a constant");
  return f;
}

std::optional<Int8Form> pad_form(const ir::Node& n, int64_t opset, std::string& why) {
  const std::string mode = n.attr_string("mode", "constant");
  if (mode == "reflect") return form(OutputParams::SameAsInput, {0});
  if (mode != "constant") return refuse(why, "only constant and reflect padding run in int8");
  if (opset < 11) {
    if (n.attr_float("value", 0.0f) != 0.0f) return refuse(why, "the pad value is not 0");
  } else if (const ir::Value* value = n.input(2)) {
    if (float_scalar(value) != 0.0f) return refuse(why, "the pad value is not a constant 0");
  }
  return form(OutputParams::SameAsInput, {0});
}

// ReduceMean and ReduceMax need their axes before run time (an input from opset 18).
bool constant_axes(const ir::Node& n, int64_t opset) {
  return !(opset >= 18 && n.input(1) && !n.input(1)->is_constant());
}

// Softmax and LogSoftmax, each with TFLite's fixed output parameters, over one axis: any axis from
// opset 13; before, ONNX normalizes over every dim from `axis` on, which is one axis only when the
// dims after it are 1.
std::optional<Int8Form> softmax_form(const ir::Node& n, int64_t opset, std::string& why) {
  const ir::Shape& s = *n.input(0)->shape;
  const auto rank = static_cast<int64_t>(s.size());
  int64_t axis = n.attr_int("axis", opset >= 13 ? -1 : 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return refuse(why, "the axis is out of range");
  if (opset < 13 && ir::num_elements({s.begin() + axis + 1, s.end()}) != 1)
    return refuse(why, "before opset 13 " + n.op_type + " normalizes over several dims, which has no int8 kernel");
  return n.op_type == "LogSoftmax" ? fixed({16.0f / 256.0f, 127}) : fixed({1.0f / 256.0f, -128});
}

std::optional<Int8Form> clip_form(const ir::Node& n, int64_t opset, std::string& why) {
  if (opset >= 11)
    for (size_t i = 1; i < n.inputs().size(); ++i)
      if (n.input(i) && !float_scalar(n.input(i)))
        return refuse(why, "the bounds are not constant scalars");
  return form(OutputParams::SameAsInput, {0});
}

// Slice: bytes picked by starts, ends, axes and steps known before run time (attributes before opset 10).
std::optional<Int8Form> slice_form(const ir::Node& n, int64_t opset, std::string& why) {
  if (opset >= 10)
    for (size_t i = 1; i < n.inputs().size(); ++i)
      if (n.input(i) && !n.input(i)->is_constant()) return refuse(why, "starts, ends, axes or steps are not constants");
  if (ir::num_elements(*n.output(0)->shape) == 0) return refuse(why, "the slice is empty");
  return form(OutputParams::SameAsInput, {0});
}

// Gather: indices known before run time; the picked int8 values keep the input's parameters.
std::optional<Int8Form> gather_form(const ir::Node& n, int64_t, std::string& why) {
  if (!n.input(1) || !n.input(1)->is_constant()) return refuse(why, "the indices are not constants");
  return form(OutputParams::SameAsInput, {0});
}

// ReduceMax keeps the largest int8 value at the input's parameters; ReduceMean has its own range.
std::optional<Int8Form> reduce_form(const ir::Node& n, int64_t opset, std::string& why) {
  if (!constant_axes(n, opset)) return refuse(why, "the axes are not constants");
  return form(n.op_type == "ReduceMax" ? OutputParams::SameAsInput : OutputParams::Own, {0});
}

// Resize / Upsample: the TFLite resize that computes the same coordinates, on the input's parameters.
std::optional<Int8Form> resize_form(const ir::Node& n, int64_t opset, std::string& why) {
  if (n.op_type == "Resize" && opset >= 11 && n.input(3) && !n.input(3)->is_constant())
    return refuse(why, "the sizes are not constants");
  try {
    const exec::shape::ResizeSpec spec = exec::shape::resolve_resize(n, *n.input(0)->shape, opset);
    if (!exec::shape::tflite_resize_flags(spec, why)) return std::nullopt;
  } catch (const InputError& e) {
    return refuse(why, e.what());
  }
  return form(OutputParams::SameAsInput, {0});
}

// LSTM as TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM: forward, from a zero state, Y only, no peepholes
// (all-zero constant states and peepholes count as absent), default activations.
std::optional<Int8Form> lstm_form(const ir::Node& n, int64_t, std::string& why) {
  const auto input = [&](size_t i) { return i < n.inputs().size() ? n.input(i) : nullptr; };
  if (n.attr_string("direction", "forward") != "forward")
    return refuse(why, "TFLite Micro's UNIDIRECTIONAL_SEQUENCE_LSTM runs forward only, not " + n.attr_string("direction", ""));
  if (n.has_attr("activations")) return refuse(why, "the int8 LSTM has TFLite's default activations only");
  if (n.has_attr("clip")) return refuse(why, "ONNX's clip bounds the gate inputs, which TFLite's LSTM cannot");
  if (n.attr_int("input_forget", 0) != 0) return refuse(why, "TFLite Micro's int8 LSTM has no coupled input and forget gate");
  if (input(4)) return refuse(why, "TFLite's LSTM has no sequence_lens");
  for (size_t i : {size_t{1}, size_t{2}})
    if (!is_float32_constant(input(i))) return refuse(why, "W and R are not float32 constants");
  if (input(3) && !is_float32_constant(input(3))) return refuse(why, "B is not a float32 constant");
  for (size_t i : {size_t{5}, size_t{6}, size_t{7}})
    if (input(i) && !is_zero_constant(input(i)))
      return refuse(why, i == 7 ? "TFLite Micro's int8 LSTM has no peepholes"
                                : "TFLite Micro's LSTM starts from a zero state; initial_h and initial_c must be zeros");
  if (n.outputs().size() > 1 && (n.output(1) || (n.outputs().size() > 2 && n.output(2))))
    return refuse(why, "the LSTM has a Y_h or Y_c output (decompose_for_int8 computes a read Y_h from Y)");
  return form(OutputParams::Own, {0});
}

// Split: every output a part of the input's bytes, with the input's parameters.
std::optional<Int8Form> split_form(const ir::Node& n, int64_t, std::string&) {
  Int8Form f = form(OutputParams::SameAsInput, {0});
  f.outputs = n.outputs().size();
  return f;
}

using FormFn = std::optional<Int8Form> (*)(const ir::Node&, int64_t, std::string&);

// The one list of op types with an int8 form, and how each finds it.
const std::map<std::string, FormFn>& form_table() {
  static const FormFn same_as_input = [](const ir::Node&, int64_t, std::string&) -> std::optional<Int8Form> {
    return form(OutputParams::SameAsInput, {0});
  };
  static const FormFn conv = [](const ir::Node& n, int64_t, std::string& why) { return conv_form(n, why); };
  static const FormFn gemm = [](const ir::Node& n, int64_t, std::string& why) { return gemm_form(n, why); };
  static const FormFn own_operands = [](const ir::Node& n, int64_t, std::string& why) {
    return operands_form(n, OutputParams::Own, why);
  };
  static const std::map<std::string, FormFn> table = {
      {"Add", own_operands},
      {"AveragePool", same_as_input},
      {"Clip", clip_form},
      {"Concat", [](const ir::Node& n, int64_t, std::string& why) { return operands_form(n, OutputParams::InputUnion, why); }},
      {"Conv", conv},
      {"ConvTranspose", conv},
      {"Flatten", same_as_input},
      {"Gather", gather_form},
      {"Gemm", gemm},
      {"GlobalAveragePool",
       [](const ir::Node&, int64_t, std::string&) -> std::optional<Int8Form> { return form(OutputParams::Own, {0}); }},
      {"GlobalMaxPool",
       [](const ir::Node& n, int64_t, std::string& why) -> std::optional<Int8Form> {
         if (rank_of(n.input(0)) != 4) return refuse(why, "int8 GlobalMaxPool runs on N x C x H x W inputs");
         return form(OutputParams::SameAsInput, {0});
       }},
      {"HardSwish",
       [](const ir::Node&, int64_t, std::string&) -> std::optional<Int8Form> { return form(OutputParams::Own, {0}); }},
      {"LeakyRelu",
       [](const ir::Node& n, int64_t, std::string& why) -> std::optional<Int8Form> {
         if (!(n.attr_float("alpha", 0.01f) >= 0.0f)) return refuse(why, "int8 LeakyRelu needs alpha >= 0");
         return form(OutputParams::Own, {0});
       }},
      {"LSTM", lstm_form},
      {"LogSoftmax", softmax_form},
      {"MatMul", matmul_form},
      {"MaxPool", same_as_input},
      {"Mul", own_operands},
      {"PRelu",
       [](const ir::Node& n, int64_t opset, std::string& why) -> std::optional<Int8Form> {
         if (opset < 7) return refuse(why, "before opset 7 PRelu's slope broadcasts per channel, not as numpy does");
         return operands_form(n, OutputParams::Own, why);
       }},
      {"Pad", pad_form},
      {"Pow",
       [](const ir::Node& n, int64_t, std::string& why) -> std::optional<Int8Form> {
         if (!exec::int8_reference::is_inverse_sqrt_exponent(n.input(1)))
           return refuse(why, "only Pow(x, -0.5) runs in int8 (as RSQRT)");
         return form(OutputParams::Own, {0});
       }},
      {"ReduceMax", reduce_form},
      {"ReduceMean", reduce_form},
      {"Relu", same_as_input},
      {"Reshape", same_as_input},
      {"Resize", resize_form},
      {"Sigmoid",
       [](const ir::Node&, int64_t, std::string&) -> std::optional<Int8Form> { return fixed({1.0f / 256.0f, -128}); }},
      {"Slice", slice_form},
      {"Softmax", softmax_form},
      {"Split", split_form},
      {"Squeeze", same_as_input},
      {"Sub", own_operands},
      {"Tanh", [](const ir::Node&, int64_t, std::string&) -> std::optional<Int8Form> { return fixed({1.0f / 128.0f, 0}); }},
      {"Transpose", same_as_input},
      {"Unsqueeze", same_as_input},
      {"Upsample", resize_form},
  };
  return table;
}

// Why ops that TFLite could hint at still have no int8 form.
std::string missing_int8_reason(const std::string& op) {
  if (op == "GRU") return "TFLite has no GRU op (it would need unrolling into FULLY_CONNECTED and elementwise ops per time step)";
  return "no int8 kernel for " + op;
}

std::optional<Int8Form> form_of_op(const ir::Node& n, int64_t opset, std::string& why) {
  const auto it = form_table().find(n.op_type);
  if (it == form_table().end()) return refuse(why, missing_int8_reason(n.op_type));
  return it->second(n, opset, why);
}

bool takes_fused_activation(const std::string& op) {
  return op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul" || op == "Add" || op == "Mul";
}

}  // namespace

std::optional<Int8Form> int8_form(const ir::Node& n, int64_t opset, std::string& why) {
  if (!n.domain.empty()) return refuse(why, "no int8 kernel for domain " + n.domain);
  const ir::Value* out = n.output(0);
  if (!out || out->dtype != ir::DType::Float32 || !out->shape) return refuse(why, "the output is not float32");
  if (!is_activation(n.input(0)) && n.op_type != "Add" && n.op_type != "Sub" && n.op_type != "Mul" &&
      n.op_type != "Concat")
    return refuse(why, "input 0 is not a float32 or int8 activation");
  if ((n.has_attr("activation_min") || n.has_attr("activation_max")) && !takes_fused_activation(n.op_type))
    return refuse(why, "a fused activation on " + n.op_type + " has no int8 kernel");
  std::optional<Int8Form> f = form_of_op(n, opset, why);
  if (f && !only_leading_outputs_used(n, f->outputs)) return refuse(why, "a second output is used");
  return f;
}

const std::map<std::string, std::string>& int8_decompositions() {
  static const std::map<std::string, std::string> passes{
      {"Gelu", "decompose_for_int8"}, {"HardSigmoid", "decompose_hard_sigmoid"}, {"LayerNormalization", "decompose_for_int8"}};
  return passes;
}

std::vector<std::string> int8_op_types() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : form_table()) names.push_back(name);
  return names;
}

}  // namespace tinyc::passes
