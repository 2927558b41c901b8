// Shape arithmetic with overflow checks (user models may carry absurd dims).
#include "ir/shape.h"

#include <limits>

#include "ir/error.h"

namespace tinyc::ir {

int64_t num_elements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw InputError("negative dimension " + std::to_string(d) + " in shape " + shape_to_string(shape));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
      throw InputError("shape " + shape_to_string(shape) + " has more elements than fit in 64 bits");
    n *= d;
  }
  return n;
}

std::string shape_to_string(const Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += 'x';
    s += std::to_string(shape[i]);
  }
  return s;
}

}  // namespace tinyc::ir
