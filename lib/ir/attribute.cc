// Text rendering of attributes for dumps and error messages.
#include "ir/attribute.h"

#include <sstream>

namespace tinyc::ir {

namespace {
template <class T>
std::string join(const std::vector<T>& v) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
  os << ']';
  return os.str();
}
}  // namespace

std::string attribute_to_string(const Attribute& a) {
  struct Visitor {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(float v) const {
      std::ostringstream os;
      os << v;
      return os.str();
    }
    std::string operator()(const std::string& v) const { return '"' + v + '"'; }
    std::string operator()(const std::vector<int64_t>& v) const { return join(v); }
    std::string operator()(const std::vector<float>& v) const { return join(v); }
    std::string operator()(const std::vector<std::string>& v) const { return join(v); }
    std::string operator()(const Tensor& t) const {
      return "tensor<" + std::string(dtype_name(t.dtype())) + "," + shape_to_string(t.shape()) + ">";
    }
  };
  return std::visit(Visitor{}, a);
}

}  // namespace tinyc::ir
