// The kernel registry: which kernel runs each op type (default ONNX domain), float or int8.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exec/kernels/kernel.h"

namespace tinyc::exec::kernels {

// The arithmetic a node runs in: ONNX float semantics (integer tensors too), or the TFLite int8
// scheme of docs/ir.md, which a node is in when one of its int8 values has quantization parameters.
enum class Domain { Float, Quantized };

// A fresh, unprepared kernel for the op in `domain`; nullptr when there is none. QuantizeLinear and
// DequantizeLinear have one in each: ONNX's form with scale and zero-point inputs (float domain,
// no parameters on the values) and tinyc's form with the parameters on the int8 value.
std::unique_ptr<Kernel> make_kernel(std::string_view op_type, Domain domain = Domain::Float);

// Every op type with a kernel in `domain`, sorted.
std::vector<std::string> kernel_op_types(Domain domain = Domain::Float);

}  // namespace tinyc::exec::kernels
