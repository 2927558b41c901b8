// int8 BatchMatMul (see int8_batch_matmul.h).
#include "exec/int8_reference/int8_batch_matmul.h"

#include "exec/int8_reference/int8_common.h"
#include "ir/error.h"

namespace tinyc::exec::int8_reference {

BatchMatMulParams prepare_batch_matmul(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b,
                                       const ir::QuantParams& b_q, const ir::QuantParams& output_q,
                                       ActivationBounds activation) {
  if (a.size() < 2 || a.size() > 5 || b.size() < 2 || b.size() > 5)
    throw InputError("int8 BatchMatMul takes operands of rank 2 to 5, got " + ir::shape_to_string(a) + " and " +
                     ir::shape_to_string(b));
  const AffineParams in1 = per_tensor(a_q, "BatchMatMul input A");
  const AffineParams in2 = per_tensor(b_q, "BatchMatMul input B");
  const AffineParams out = per_tensor(output_q, "BatchMatMul output");
  BatchMatMulParams p;
  p.rows = a[a.size() - 2];
  p.depth = a.back();
  p.cols = b.back();
  if (b[b.size() - 2] != p.depth)
    throw InputError("int8 BatchMatMul: " + ir::shape_to_string(a) + " times " + ir::shape_to_string(b) +
                     " do not share their inner dim");
  p.batches = plan_broadcast({a.begin(), a.end() - 2}, {b.begin(), b.end() - 2}, 3, "BatchMatMul");
  p.a_zero_point = in1.zero_point;
  p.b_zero_point = in2.zero_point;
  p.output_zero_point = out.zero_point;
  p.multiplier = quantize_multiplier(static_cast<double>(in1.scale) * static_cast<double>(in2.scale) /
                                     static_cast<double>(out.scale));
  p.activation = activation_range(activation, out);
  return p;
}

void batch_matmul_int8(const BatchMatMulParams& p, std::span<const int8_t> a, std::span<const int8_t> b,
                       std::span<int8_t> output) {
  const int64_t a_matrix = p.rows * p.depth, b_matrix = p.depth * p.cols, out_matrix = p.rows * p.cols;
  require_count(a.size(), p.batches.count_a * a_matrix, "BatchMatMul int8", "input A");
  require_count(b.size(), p.batches.count_b * b_matrix, "BatchMatMul int8", "input B");
  require_count(output.size(), p.batches.count * out_matrix, "BatchMatMul int8", "output");
  for_each_broadcast(p.batches, [&](int64_t o, int64_t ia, int64_t ib) {
    const int8_t* x = a.data() + ia * a_matrix;
    const int8_t* w = b.data() + ib * b_matrix;
    int8_t* y = output.data() + o * out_matrix;
    for (int64_t i = 0; i < p.rows; ++i)
      for (int64_t j = 0; j < p.cols; ++j) {
        uint32_t sum = 0;  // wraps mod 2^32 as TFLite's int32 accumulator
        for (int64_t k = 0; k < p.depth; ++k)
          sum += static_cast<uint32_t>((x[i * p.depth + k] - p.a_zero_point) * (w[k * p.cols + j] - p.b_zero_point));
        y[i * p.cols + j] = clamp_to(
            multiply_by_quantized_multiplier(static_cast<int32_t>(sum), p.multiplier) + p.output_zero_point, p.activation);
      }
  });
}

}  // namespace tinyc::exec::int8_reference
