// Numpy broadcasting for the int8 binary kernels (Add, Mul): a plan made once in prepare, walked
// in C order in eval without allocating.
#pragma once

#include <array>
#include <cstdint>

#include "exec/int8_reference/int8_common.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// The output dims and each operand's element stride per dim (0 where that operand is broadcast).
struct BroadcastPlan {
  size_t rank = 0;
  std::array<int64_t, kMaxDims> dims{};
  std::array<int64_t, kMaxDims> stride_a{};
  std::array<int64_t, kMaxDims> stride_b{};
  int64_t count = 1;        // output elements
  int64_t count_a = 1;      // elements of a
  int64_t count_b = 1;      // elements of b
  bool same_shape = false;  // the operands' shapes are identical (no broadcasting)
};

// Plans out = f(a, b). InputError naming `op` when the shapes do not broadcast, or when they differ
// and the output has more than `max_broadcast_rank` dims (TFLite Micro's broadcasting limit).
BroadcastPlan plan_broadcast(const ir::Shape& a, const ir::Shape& b, size_t max_broadcast_rank, const char* op);

// Calls visit(out_index, a_index, b_index) for every output element in C order.
template <class Visit>
void for_each_broadcast(const BroadcastPlan& p, Visit&& visit) {
  std::array<int64_t, kMaxDims> index{};
  int64_t ia = 0, ib = 0;
  for (int64_t o = 0; o < p.count; ++o) {
    visit(o, ia, ib);
    for (size_t d = p.rank; d-- > 0;) {
      ia += p.stride_a[d];
      ib += p.stride_b[d];
      if (++index[d] < p.dims[d]) break;
      ia -= p.stride_a[d] * p.dims[d];
      ib -= p.stride_b[d] * p.dims[d];
      index[d] = 0;
    }
  }
}

}  // namespace tinyc::exec::int8_reference
