// Reading an initializer or a Constant node's value.
#include "ir/constant_data.h"

namespace tinyc::ir {

const Tensor* constant_data(const Value* v) {
  if (!v) return nullptr;
  if (v->is_constant()) return &v->constant();
  const Node* p = v->producer();
  if (p && p->op_type == "Constant" && p->has_attr("value")) return &p->attr_tensor("value");
  return nullptr;
}

}  // namespace tinyc::ir
