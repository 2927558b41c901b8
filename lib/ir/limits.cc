// Tensor-size and graph-size checks against the import limits.
#include "ir/limits.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "ir/error.h"

namespace tinyc::ir {

int64_t check_tensor_bytes(const Shape& shape, DType dtype, const Limits& limits, const std::string& what) {
  const int64_t elements = num_elements(shape);
  const auto element_bytes = static_cast<int64_t>(std::max<size_t>(dtype_size(dtype), 1));
  const bool overflows = elements > std::numeric_limits<int64_t>::max() / element_bytes;
  const int64_t bytes = overflows ? std::numeric_limits<int64_t>::max() : elements * element_bytes;
  if (overflows || bytes > limits.max_tensor_bytes)
    throw InputError(what + " would take " + (overflows ? "more than 2^63 bytes" : bytes_text(bytes)) + " (shape " +
                     shape_to_string(shape) + "), above the limit of " + bytes_text(limits.max_tensor_bytes) +
                     " per tensor; raise it with --max-tensor-bytes if the model really needs that much");
  return bytes;
}

void check_node_count(int64_t nodes, const Limits& limits) {
  if (nodes > limits.max_nodes)
    throw InputError("the graph has " + std::to_string(nodes) + " nodes, more than the " +
                     std::to_string(limits.max_nodes) + " tinyc accepts; is this a model for a microcontroller?");
}

std::string bytes_text(int64_t bytes) {
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, value == static_cast<double>(static_cast<int64_t>(value)) ? "%.0f %s" : "%.1f %s",
                value, kUnits[unit]);
  return text;
}

}  // namespace tinyc::ir
