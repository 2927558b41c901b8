// Size limits a model must stay within, so a broken or hostile file is refused with one line before
// tinyc allocates for it (instead of running out of memory minutes later).
#pragma once

#include <cstdint>
#include <string>

#include "ir/dtype.h"
#include "ir/shape.h"

namespace tinyc::ir {

// The limits a graph was imported under (--max-tensor-bytes sets the first); shape inference holds
// every value to them.
struct Limits {
  static constexpr int64_t kDefaultMaxTensorBytes = int64_t{2} << 30;  // 2 GiB
  static constexpr int64_t kDefaultMaxNodes = 100'000;

  int64_t max_tensor_bytes = kDefaultMaxTensorBytes;  // one tensor: a constant, an input or an activation
  int64_t max_nodes = kDefaultMaxNodes;               // MCU models have hundreds
};

// Bytes a tensor of `shape` and `dtype` takes; InputError naming `what` when that overflows int64
// or exceeds limits.max_tensor_bytes (saying how to raise the limit).
int64_t check_tensor_bytes(const Shape& shape, DType dtype, const Limits& limits, const std::string& what);

// InputError when a graph of `nodes` nodes exceeds limits.max_nodes.
void check_node_count(int64_t nodes, const Limits& limits);

// "2 GiB", "1.5 MiB", "300 bytes": a byte count for messages.
std::string bytes_text(int64_t bytes);

}  // namespace tinyc::ir
