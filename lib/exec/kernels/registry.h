// The float kernel registry: which kernel runs each op type (default ONNX domain).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exec/kernels/kernel.h"

namespace tinyc::exec::kernels {

// A fresh, unprepared kernel for the op; nullptr when there is none.
std::unique_ptr<Kernel> make_kernel(std::string_view op_type);

// Every op type with a kernel, sorted.
std::vector<std::string> kernel_op_types();

}  // namespace tinyc::exec::kernels
