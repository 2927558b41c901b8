// The constant data behind a value, whichever way the model spells it: an initializer, or the
// output of a Constant node (before constant folding has turned those into initializers).
#pragma once

#include "ir/graph.h"

namespace tinyc::ir {

// The data of an initializer or of a Constant node's `value`; nullptr for anything else (and for null).
const Tensor* constant_data(const Value* v);

}  // namespace tinyc::ir
