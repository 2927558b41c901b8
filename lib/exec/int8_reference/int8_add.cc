// int8 Add and Sub (see int8_add.h).
#include "exec/int8_reference/int8_add.h"

#include <algorithm>
#include <string>

namespace tinyc::exec::int8_reference {

namespace {

// Add and Sub share everything but the sign and the precision of the rescale factors: ADD's prepare
// divides in double, SUB's in float (then widens), and their multipliers differ in the last bits.
template <class Real>
AddParams prepare_add_or_sub(const char* op, const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b,
                             const ir::QuantParams& b_q, const ir::QuantParams& output_q, ActivationBounds activation) {
  const std::string name(op);
  const AffineParams in1 = per_tensor(a_q, name + " input 1");
  const AffineParams in2 = per_tensor(b_q, name + " input 2");
  const AffineParams out = per_tensor(output_q, name + " output");
  AddParams p;
  p.broadcast = plan_broadcast(a, b, 6, op);
  p.input1_zero_point = in1.zero_point;
  p.input2_zero_point = in2.zero_point;
  p.output_zero_point = out.zero_point;
  const Real twice_max_input_scale = 2 * static_cast<Real>(std::max(in1.scale, in2.scale));
  const std::string what = name + " int8";
  p.input1_multiplier = multiplier_smaller_than_one(static_cast<double>(static_cast<Real>(in1.scale) / twice_max_input_scale), what);
  p.input2_multiplier = multiplier_smaller_than_one(static_cast<double>(static_cast<Real>(in2.scale) / twice_max_input_scale), what);
  p.output_multiplier = multiplier_smaller_than_one(
      static_cast<double>(twice_max_input_scale / (static_cast<Real>(1 << kAddLeftShift) * static_cast<Real>(out.scale))), what);
  p.activation = activation_range(activation, out);
  return p;
}

}  // namespace

AddParams prepare_add(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b, const ir::QuantParams& b_q,
                      const ir::QuantParams& output_q, ActivationBounds activation) {
  return prepare_add_or_sub<double>("Add", a, a_q, b, b_q, output_q, activation);
}

AddParams prepare_sub(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b, const ir::QuantParams& b_q,
                      const ir::QuantParams& output_q, ActivationBounds activation) {
  AddParams p = prepare_add_or_sub<float>("Sub", a, a_q, b, b_q, output_q, activation);
  p.subtract = true;
  return p;
}

void add_int8(const AddParams& p, std::span<const int8_t> a, std::span<const int8_t> b, std::span<int8_t> output) {
  const BroadcastPlan& plan = p.broadcast;
  require_count(output.size(), plan.count, "Add int8", "output");
  require_count(a.size(), plan.count_a, "Add int8", "input 1");
  require_count(b.size(), plan.count_b, "Add int8", "input 2");
  for_each_broadcast(plan, [&](int64_t o, int64_t ia, int64_t ib) {
    output[static_cast<size_t>(o)] = add_one(p, a[static_cast<size_t>(ia)], b[static_cast<size_t>(ib)]);
  });
}

}  // namespace tinyc::exec::int8_reference
