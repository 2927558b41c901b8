// Text dump of the IR.
#include "ir/dump.h"

#include <sstream>

namespace tinyc::ir {

namespace {
std::string type_of(const Value* v) {
  std::string s = std::string(dtype_name(v->dtype)) + "[" + (v->shape ? shape_to_string(*v->shape) : "?") + "]";
  if (v->quant) {
    std::ostringstream os;
    os << " q(scale=" << v->quant->scale.front() << (v->quant->per_channel() ? ",..." : "")
       << " zp=" << v->quant->zero_point.front() << ")";
    s += os.str();
  }
  return s;
}
}  // namespace

std::string dump(const Graph& g) {
  std::ostringstream os;
  os << "graph " << g.name << "\n";
  for (const Value* v : g.inputs()) os << "  input  %" << v->name << " : " << type_of(v) << "\n";
  for (const Value* v : g.constants()) os << "  const  %" << v->name << " : " << type_of(v) << "\n";
  for (const Node* n : g.topological_order()) {
    os << "  ";
    for (size_t i = 0; i < n->outputs().size(); ++i) {
      const Value* out = n->outputs()[i];
      os << (i ? ", " : "") << (out ? "%" + out->name + " : " + type_of(out) : "_");
    }
    os << " = " << n->op_type << "[" << n->name << "](";
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      const Value* in = n->inputs()[i];
      os << (i ? ", " : "") << (in ? "%" + in->name : "_");
    }
    os << ")";
    if (!n->attrs.empty()) {
      os << " {";
      bool first = true;
      for (const auto& [k, a] : n->attrs) {
        os << (first ? "" : ", ") << k << "=" << attribute_to_string(a);
        first = false;
      }
      os << "}";
    }
    os << "\n";
  }
  for (const Value* v : g.outputs()) os << "  output %" << v->name << " : " << type_of(v) << "\n";
  return os.str();
}

}  // namespace tinyc::ir
