// The fused activation of docs/ir.md as one generic step after any kernel: a node carrying
// activation_min / activation_max has its output 0 clamped to that range after the op ran.
#pragma once

#include <memory>
#include <span>

#include "exec/isa.h"
#include "exec/kernels/kernel.h"

namespace tinyc::exec::kernels {

// `kernel` itself when the node carries no fused activation or the kernel applies it itself (the
// int8 kernels, which clamp in the output's quantized range); otherwise a kernel that prepares and
// runs it, then clamps output 0 (min first, then max, as ONNX Clip). The output must be float.
std::unique_ptr<Kernel> with_fused_activation(const ir::Node& node, std::unique_ptr<Kernel> kernel);

// v = std::min(std::max(v, lo), hi) element-wise on `isa` (NaN stays NaN, as in ONNX Clip): the
// clamp the wrapper applies. T is float or double.
template <class T>
void clamp_values(Isa isa, std::span<T> v, T lo, T hi);

}  // namespace tinyc::exec::kernels
