// What the int8 kernel adapters share: the base of those that apply a fused activation, reading a
// slot's int8 type and quantization parameters with errors that name the value, the node's fused
// activation, and running an int8_reference/ prepare function so its errors name the node.
//
// An adapter connects the executor's Kernel interface to one pure int8 reference function of
// exec/quant: prepare() reads shapes, attributes and QuantParams and calls the prepare_* function;
// eval() calls the *_int8 function on spans and adds no arithmetic of its own.
#pragma once

#include <cstddef>
#include <string>

#include "exec/kernels/kernel.h"
#include "exec/int8_reference/quant_math.h"
#include "ir/value.h"

namespace tinyc::exec::int8_adapters {

using kernels::EvalArgs;
using kernels::PrepareContext;
using kernels::Slot;

// An int8 adapter whose reference function clamps its output to the node's fused activation
// (int8_reference::activation_range in the output's parameters): Conv, Gemm, MatMul, Add, Mul, the pools.
// The generic float clamp must not run after it. The other adapters derive from Kernel directly,
// so a fused activation on them is an error (the float clamp refuses their int8 output).
class ClampingKernel : public kernels::Kernel {
 public:
  bool applies_fused_activation() const final { return true; }
};

// Input i (`what` names its role: "input", "weights") must be int8 with quantization parameters;
// returns them. InputError naming the node and the value otherwise.
const ir::QuantParams& int8_input(const PrepareContext& ctx, size_t i, const std::string& what);
// Same for output i.
const ir::QuantParams& int8_output(const PrepareContext& ctx, size_t i);
// The quantization parameters of input i, which may have any dtype; InputError when it has none.
const ir::QuantParams& input_quant(const PrepareContext& ctx, size_t i, const std::string& what);

// Fails unless both are per-tensor with the same scale and zero point (ops that move raw bytes).
void require_same_params(const PrepareContext& ctx, const ir::QuantParams& input, const ir::QuantParams& output);

// The node's fused activation (docs/ir.md) as the float interval it clamps to.
int8_reference::ActivationBounds fused_activation(const ir::Node& node);

// Fails with InternalError when the output slot's element count differs from `count` (shape
// inference and the int8_reference/ geometry disagree: a bug, not the user's model).
void require_output_count(const PrepareContext& ctx, int64_t count);

// Runs `prepare` (a int8_reference::prepare_* call) and rethrows its InputError as one naming the node.
template <class F>
auto named(const PrepareContext& ctx, F&& prepare) -> decltype(prepare()) {
  try {
    return prepare();
  } catch (const InputError& e) {
    ctx.fail(e.what());
  }
}

}  // namespace tinyc::exec::int8_adapters
