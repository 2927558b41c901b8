// What the two ONNX backend-test harnesses (float outputs, inferred shapes) share: which graph inputs
// are shape data real models keep in constants, and which tests use a mode tinyc refuses by design.
#pragma once

#include <string>

#include "ir/node.h"
#include "ir/value.h"

namespace tinyc::backend_test {

// True for an input read only as shape data: integer (Reshape targets, Slice starts, Pad pads,
// axes, Resize sizes) or Resize's roi and scales and Upsample's scales.
inline bool is_shape_data(const ir::Value* v) {
  if (ir::is_integer(v->dtype) || v->dtype == ir::DType::Bool) return true;
  for (const ir::Use& u : v->uses())
    if (!((u.node->op_type == "Resize" && u.input_index >= 1) || (u.node->op_type == "Upsample" && u.input_index == 1)))
      return false;
  return !v->uses().empty();
}

// Resize modes TFLite has no form of (cubic, crop-and-resize): tinyc refuses them by name.
inline bool uses_refused_resize_mode(const std::string& test_name) {
  return test_name.rfind("test_resize_", 0) == 0 &&
         (test_name.find("_cubic") != std::string::npos || test_name.find("crop_and_resize") != std::string::npos);
}

}  // namespace tinyc::backend_test
