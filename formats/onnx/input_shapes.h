// Graph-input shapes: declared (possibly symbolic) ONNX dims -> the static shape the IR needs.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "formats/onnx/import.h"
#include "ir/shape.h"

namespace tinyc::onnx_format {

// The static shape of graph input `name`: the --input-shape override when given (its rank and
// fixed dims must agree with the model), else the declared dims with a dynamic dim 0 set to 1
// (a line is added to `notices`). Throws InputError for any other dynamic dim, negative dims,
// or an unranked input without an override.
ir::Shape resolve_input_shape(const std::string& name, const onnx::TypeProto_Tensor& type,
                              const ImportOptions& options, std::vector<std::string>& notices);

// Throws InputError when an --input-shape override names something that is not a graph input.
void check_overrides_name_inputs(const ImportOptions& options, const std::vector<std::string>& input_names);

}  // namespace tinyc::onnx_format
