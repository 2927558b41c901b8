// Fast int8 Mul: the SIMD body where the CPU has one, the shared scalar formula for the rest. A
// one-element first operand is moved second with its zero point: the product commutes.
#include "exec/int8_fast/mul.h"

#include <utility>

#include "exec/int8_reference/int8_common.h"

namespace tinyc::exec::int8_fast {

void fast_mul_int8([[maybe_unused]] Isa isa, const int8_reference::MulParams& p, std::span<const int8_t> a,
                   std::span<const int8_t> b, std::span<int8_t> output) {
  const int8_reference::BroadcastPlan& plan = p.broadcast;
  const bool a_scalar = !plan.same_shape && plan.count_a == 1 && plan.count_b == plan.count;
  const bool b_scalar = !plan.same_shape && plan.count_b == 1 && plan.count_a == plan.count;
  if (!plan.same_shape && !a_scalar && !b_scalar) return int8_reference::mul_int8(p, a, b, output);
  const int64_t count = plan.count;
  int8_reference::require_count(output.size(), count, "Mul int8", "output");
  int8_reference::require_count(a.size(), plan.count_a, "Mul int8", "input 1");
  int8_reference::require_count(b.size(), plan.count_b, "Mul int8", "input 2");
  int8_reference::MulParams q = p;
  if (a_scalar) {
    std::swap(a, b);
    std::swap(q.input1_zero_point, q.input2_zero_point);
  }
  const bool scalar = a_scalar || b_scalar;
  int64_t done = 0;
#if TINYC_X86_KERNELS
  if (has_avx2(isa)) done = detail::mul_int8_avx2(q, a.data(), b.data(), scalar, output.data(), count);
#endif
  for (int64_t i = done; i < count; ++i)
    output[static_cast<size_t>(i)] = int8_reference::mul_one(q, a[static_cast<size_t>(i)], b[scalar ? 0 : static_cast<size_t>(i)]);
}

}  // namespace tinyc::exec::int8_fast
