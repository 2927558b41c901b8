// Pieces the int8 reference kernels share: buffer-size checks and a strided walk over up to
// kMaxDims dims that never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "ir/error.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// Geometry loops keep their counters in fixed arrays of this many dims.
inline constexpr size_t kMaxDims = 8;

// Throws InternalError when a buffer does not hold the element count prepare computed: the caller
// broke the prepare/eval contract, the user's model cannot cause it.
inline void require_count(size_t actual, int64_t expected, const char* kernel, const char* buffer) {
  if (static_cast<int64_t>(actual) != expected)
    throw InternalError(std::string(kernel) + ": " + buffer + " holds " + std::to_string(actual) +
                        " elements, prepare expected " + std::to_string(expected));
}

// InputError naming `kernel` when `shape` has more than kMaxDims dims.
inline void require_rank_at_most(const ir::Shape& shape, size_t max_rank, const char* kernel) {
  if (shape.size() > max_rank)
    throw InputError(std::string(kernel) + ": rank " + std::to_string(shape.size()) + " (" +
                     ir::shape_to_string(shape) + ") is above the supported " + std::to_string(max_rank));
}

// A set of dims with an element stride each, walked in C order.
struct StridedWalk {
  size_t rank = 0;
  std::array<int64_t, kMaxDims> dims{};
  std::array<int64_t, kMaxDims> strides{};
  int64_t count = 1;  // product of dims

  void push(int64_t dim, int64_t stride) {
    dims[rank] = dim;
    strides[rank] = stride;
    ++rank;
    count *= dim;
  }
};

// Calls visit(offset) for every index of `walk`, offset = base + sum(index[d] * strides[d]).
template <class Visit>
void walk_offsets(const StridedWalk& walk, int64_t base, Visit&& visit) {
  std::array<int64_t, kMaxDims> index{};
  int64_t offset = base;
  for (int64_t i = 0; i < walk.count; ++i) {
    visit(offset);
    for (size_t d = walk.rank; d-- > 0;) {
      offset += walk.strides[d];
      if (++index[d] < walk.dims[d]) break;
      offset -= walk.strides[d] * walk.dims[d];
      index[d] = 0;
    }
  }
}

}  // namespace tinyc::exec::int8_reference
