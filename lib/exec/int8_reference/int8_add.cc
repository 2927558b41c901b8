// int8 Add and Sub (see int8_add.h).
#include "exec/int8_reference/int8_add.h"

#include <algorithm>

namespace tinyc::exec::int8_reference {

AddParams prepare_add(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b, const ir::QuantParams& b_q,
                      const ir::QuantParams& output_q, ActivationBounds activation) {
  const AffineParams in1 = per_tensor(a_q, "Add input 1");
  const AffineParams in2 = per_tensor(b_q, "Add input 2");
  const AffineParams out = per_tensor(output_q, "Add output");
  AddParams p;
  p.broadcast = plan_broadcast(a, b, 6, "Add");
  p.input1_zero_point = in1.zero_point;
  p.input2_zero_point = in2.zero_point;
  p.output_zero_point = out.zero_point;
  const double twice_max_input_scale = 2 * static_cast<double>(std::max(in1.scale, in2.scale));
  p.input1_multiplier = multiplier_smaller_than_one(static_cast<double>(in1.scale) / twice_max_input_scale, "Add int8");
  p.input2_multiplier = multiplier_smaller_than_one(static_cast<double>(in2.scale) / twice_max_input_scale, "Add int8");
  p.output_multiplier = multiplier_smaller_than_one(
      twice_max_input_scale / ((1 << kAddLeftShift) * static_cast<double>(out.scale)), "Add int8");
  p.activation = activation_range(activation, out);
  return p;
}

AddParams prepare_sub(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b, const ir::QuantParams& b_q,
                      const ir::QuantParams& output_q, ActivationBounds activation) {
  const AffineParams in1 = per_tensor(a_q, "Sub input 1");
  const AffineParams in2 = per_tensor(b_q, "Sub input 2");
  const AffineParams out = per_tensor(output_q, "Sub output");
  AddParams p;
  p.broadcast = plan_broadcast(a, b, 6, "Sub");
  p.input1_zero_point = in1.zero_point;
  p.input2_zero_point = in2.zero_point;
  p.output_zero_point = out.zero_point;
  // In float, then widened, as TFLite Micro's SUB prepares them.
  const float twice_max_input_scale = 2 * std::max(in1.scale, in2.scale);
  p.input1_multiplier = multiplier_smaller_than_one(static_cast<double>(in1.scale / twice_max_input_scale), "Sub int8");
  p.input2_multiplier = multiplier_smaller_than_one(static_cast<double>(in2.scale / twice_max_input_scale), "Sub int8");
  p.output_multiplier = multiplier_smaller_than_one(
      static_cast<double>(twice_max_input_scale / (static_cast<float>(1 << kAddLeftShift) * out.scale)), "Sub int8");
  p.activation = activation_range(activation, out);
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
