// Kernel lookup (float or int8) and preparation for one node, and evaluation on tensors.
#include "exec/evaluate.h"

#include <cstddef>

#include "exec/kernels/fused_activation.h"
#include "exec/kernels/registry.h"

namespace tinyc::exec {

namespace {

// Models without a default-domain opset import get the newest semantics tinyc knows.
constexpr int64_t kNewestOpset = 21;

// Points each present slot at its value's quantization parameters.
void attach_quant(const std::vector<ir::Value*>& values, std::vector<kernels::Slot>& slots) {
  for (size_t i = 0; i < slots.size() && i < values.size(); ++i)
    if (slots[i].present && values[i] && values[i]->quant) slots[i].quant = &*values[i]->quant;
}

// A node computes in the quantized domain when one of its int8 values has quantization parameters;
// int8 tensors without them keep ONNX integer semantics.
kernels::Domain node_domain(const std::vector<kernels::Slot>& inputs, const std::vector<kernels::Slot>& outputs) {
  for (const auto* slots : {&inputs, &outputs})
    for (const kernels::Slot& s : *slots)
      if (s.present && s.dtype == ir::DType::Int8 && s.quant) return kernels::Domain::Quantized;
  return kernels::Domain::Float;
}

}  // namespace

int64_t model_opset(const ir::Graph& g) {
  for (const char* domain : {"", "ai.onnx"})
    if (auto it = g.opset_imports.find(domain); it != g.opset_imports.end()) return it->second;
  return kNewestOpset;
}

std::vector<kernels::Slot> output_slots(const ir::Node& node) {
  std::vector<kernels::Slot> slots;
  for (const ir::Value* v : node.outputs()) {
    kernels::Slot s;
    if (v) {
      if (!v->shape || v->dtype == ir::DType::Undefined)
        throw InternalError("output '" + v->name + "' of node '" + node.name + "' has no inferred type; run infer_shapes");
      s.present = true;
      s.dtype = v->dtype;
      s.shape = *v->shape;
    }
    slots.push_back(std::move(s));
  }
  return slots;
}

std::unique_ptr<kernels::Kernel> prepare_kernel(const ir::Node& node, int64_t opset, std::vector<kernels::Slot> inputs,
                                                std::vector<kernels::Slot> outputs) {
  attach_quant(node.inputs(), inputs);
  attach_quant(node.outputs(), outputs);
  const kernels::Domain domain = node_domain(inputs, outputs);
  std::unique_ptr<kernels::Kernel> kernel;
  if (node.domain.empty() || node.domain == "ai.onnx") kernel = kernels::make_kernel(node.op_type, domain);
  const std::string op = (node.domain.empty() ? "" : node.domain + ".") + node.op_type;
  if (!kernel && domain == kernels::Domain::Quantized)
    throw InputError("node '" + node.name + "': op " + op +
                     " has no int8 kernel; keep it float between DequantizeLinear and QuantizeLinear");
  if (!kernel)
    throw InputError("node '" + node.name + "': op " + op + " has no kernel; run `tinyc ops` for the supported list");
  // The one place a fused activation (docs/ir.md) is applied, for every op and every caller; int8
  // kernels apply it themselves, in the output's quantized range.
  kernel = kernels::with_fused_activation(node, std::move(kernel));
  const kernels::PrepareContext ctx{node, opset, std::move(inputs), std::move(outputs)};
  ctx.require_rank_limit();
  kernel->prepare(ctx);
  return kernel;
}

std::vector<ir::Tensor> evaluate_slots(const ir::Node& node, std::vector<kernels::Slot> inputs, int64_t opset) {
  std::vector<const void*> in_data;
  for (const kernels::Slot& s : inputs) in_data.push_back(s.data ? static_cast<const void*>(s.data->bytes().data()) : nullptr);
  std::vector<kernels::Slot> out_slots = output_slots(node);
  std::vector<ir::Tensor> outputs;
  outputs.reserve(out_slots.size());
  std::vector<void*> out_data;
  for (const kernels::Slot& s : out_slots) {
    outputs.push_back(s.present ? ir::Tensor(s.dtype, s.shape) : ir::Tensor());
    out_data.push_back(s.present ? static_cast<void*>(outputs.back().mutable_bytes().data()) : nullptr);
  }
  const auto kernel = prepare_kernel(node, opset, std::move(inputs), std::move(out_slots));
  std::vector<std::byte> scratch(kernel->scratch_bytes());
  try {
    kernel->eval(kernels::EvalArgs{in_data, out_data, scratch});
  } catch (const InputError& e) {  // data errors (integer division by zero) do not know the node
    throw InputError("node '" + node.name + "' (" + node.op_type + "): " + e.what());
  }
  return outputs;
}

std::vector<ir::Tensor> evaluate_node(const ir::Node& node, const std::vector<const ir::Tensor*>& inputs,
                                      int64_t opset) {
  std::vector<kernels::Slot> slots;
  for (const ir::Tensor* t : inputs)
    slots.push_back(t ? kernels::Slot{true, t->dtype(), t->shape(), t} : kernels::Slot{});
  return evaluate_slots(node, std::move(slots), opset);
}

}  // namespace tinyc::exec
