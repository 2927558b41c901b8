// int8 MatMul of two activations as TensorFlow Lite Micro's BATCH_MATMUL computes it: per batch
// (leading dims broadcast as numpy does), each output is the int32 sum of (a - z_a)(b - z_b) over
// the shared dim, wrapping mod 2^32 like TFLite's accumulator, requantized by s_a s_b / s_out and
// clamped to the output's range.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/int8_broadcast.h"
#include "exec/int8_reference/quant_math.h"

namespace tinyc::exec::int8_reference {

// Everything batch_matmul_int8 needs, computed once by prepare_batch_matmul.
struct BatchMatMulParams {
  BroadcastPlan batches;  // over the dims before the last two; one element = one matrix
  int64_t rows = 0, depth = 0, cols = 0;
  int32_t a_zero_point = 0, b_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier multiplier;  // s_a s_b / s_out
  ActivationRange activation;
};

// a: [..., rows, depth], b: [..., depth, cols], each of rank 2 to 5 (TFLite Micro's range).
// InputError naming the problem otherwise, or when the batch dims do not broadcast.
BatchMatMulParams prepare_batch_matmul(const ir::Shape& a, const ir::QuantParams& a_q, const ir::Shape& b,
                                       const ir::QuantParams& b_q, const ir::QuantParams& output_q,
                                       ActivationBounds activation);

void batch_matmul_int8(const BatchMatMulParams& p, std::span<const int8_t> a, std::span<const int8_t> b,
                       std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
