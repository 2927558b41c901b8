// Numpy broadcasting for binary kernels: a plan made once in prepare(), walked row by row in eval().
#pragma once

#include <array>
#include <cstdint>

#include "exec/kernels/kernel.h"
#include "ir/shape.h"

namespace tinyc::exec::kernels {

// The output's dims with size-1 dims dropped and neighbours merged where both operands allow, and
// each operand's element stride per dim (0 where it is broadcast). The last dim is the inner row.
struct BroadcastPlan {
  int64_t rank = 1;
  int64_t rows = 1;  // product of all dims but the last
  std::array<int64_t, kMaxRank> dims{};
  std::array<int64_t, kMaxRank> stride_a{};
  std::array<int64_t, kMaxRank> stride_b{};
};

// Plan for out = f(a, b). Throws InternalError when a or b does not broadcast to out (shape
// inference guarantees it) and fails through ctx when more than kMaxRank dims remain.
BroadcastPlan plan_broadcast(const PrepareContext& ctx, const ir::Shape& out, const ir::Shape& a, const ir::Shape& b);

// Calls row(out_offset, a_offset, b_offset) for every inner row of the output, in C order.
template <class Row>
void for_each_broadcast_row(const BroadcastPlan& p, Row&& row) {
  std::array<int64_t, kMaxRank> index{};
  const int64_t outer = p.rank - 1;
  const int64_t inner = p.dims[static_cast<size_t>(outer)];
  int64_t o = 0, ia = 0, ib = 0;
  for (int64_t r = 0; r < p.rows; ++r) {
    row(o, ia, ib);
    o += inner;
    for (int64_t d = outer - 1; d >= 0; --d) {
      const size_t du = static_cast<size_t>(d);
      ia += p.stride_a[du];
      ib += p.stride_b[du];
      if (++index[du] < p.dims[du]) break;
      ia -= p.stride_a[du] * p.dims[du];
      ib -= p.stride_b[du] * p.dims[du];
      index[du] = 0;
    }
  }
}

// out[i] = op(a[...], b[...]) over the plan. The common stride patterns get their own loops so the
// compiler can vectorize them.
template <class A, class B, class R, class Op>
void broadcast_binary(const BroadcastPlan& p, const A* a, const B* b, R* out, Op op) {
  const size_t last = static_cast<size_t>(p.rank - 1);
  const int64_t n = p.dims[last];
  const int64_t sa = p.stride_a[last];
  const int64_t sb = p.stride_b[last];
  for_each_broadcast_row(p, [&](int64_t o, int64_t ia, int64_t ib) {
    R* y = out + o;
    const A* x0 = a + ia;
    const B* x1 = b + ib;
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < n; ++i) y[i] = op(x0[i], x1[i]);
    } else if (sa == 1 && sb == 0) {
      for (int64_t i = 0; i < n; ++i) y[i] = op(x0[i], x1[0]);
    } else if (sa == 0 && sb == 1) {
      for (int64_t i = 0; i < n; ++i) y[i] = op(x0[0], x1[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) y[i] = op(x0[i * sa], x1[i * sb]);
    }
  });
}

}  // namespace tinyc::exec::kernels
