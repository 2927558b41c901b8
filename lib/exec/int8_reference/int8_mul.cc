// int8 Mul (see int8_mul.h).
#include "exec/int8_reference/int8_mul.h"

namespace tinyc::exec::int8_reference {

MulParams prepare_mul(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b, const ir::QuantParams& b_q,
                      const ir::QuantParams& output_q, ActivationBounds activation) {
  const AffineParams in1 = per_tensor(a_q, "Mul input 1");
  const AffineParams in2 = per_tensor(b_q, "Mul input 2");
  const AffineParams out = per_tensor(output_q, "Mul output");
  MulParams p;
  p.broadcast = plan_broadcast(a, b, 4, "Mul");
  p.input1_zero_point = in1.zero_point;
  p.input2_zero_point = in2.zero_point;
  p.output_zero_point = out.zero_point;
  p.multiplier = effective_multiplier(
      static_cast<double>(in1.scale) * static_cast<double>(in2.scale) / static_cast<double>(out.scale), "Mul int8");
  p.activation = activation_range(activation, out);
  return p;
}

void mul_int8(const MulParams& p, std::span<const int8_t> a, std::span<const int8_t> b, std::span<int8_t> output) {
  const BroadcastPlan& plan = p.broadcast;
  require_count(output.size(), plan.count, "Mul int8", "output");
  require_count(a.size(), plan.count_a, "Mul int8", "input 1");
  require_count(b.size(), plan.count_b, "Mul int8", "input 2");
  for_each_broadcast(plan, [&](int64_t o, int64_t ia, int64_t ib) {
    output[static_cast<size_t>(o)] = mul_one(p, a[static_cast<size_t>(ia)], b[static_cast<size_t>(ib)]);
  });
}

}  // namespace tinyc::exec::int8_reference
