// Declarations of every shape rule named in op_rules.def (defined in the *_shapes.cc files).
#pragma once

#include "exec/shape/shape_rule.h"

namespace tinyc::exec::shape {

#define TINYC_OP(op_type, rule) void rule(ShapeContext& ctx);
#include "exec/shape/op_rules.def"
#undef TINYC_OP

}  // namespace tinyc::exec::shape
