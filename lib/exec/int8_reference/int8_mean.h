// int8 Mean over a set of axes (GlobalAveragePool, ReduceMean), as TFLite Micro's MEAN computes
// int8 for every axis set and every pair of parameters (reference_ops::QuantizedMeanOrSum): the raw
// int32 sum, centred on the input zero point, is requantized by s_in / s_out with 1/count folded
// into the multiplier.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/int8_common.h"
#include "exec/int8_reference/quant_math.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// The reduction as two strided walks plus TFLite's choice of arithmetic, computed once by prepare_mean.
struct MeanParams {
  StridedWalk kept;     // output dims with their input strides, in output order
  StridedWalk reduced;  // reduced dims with their input strides
  bool reduced_run = false;  // the reduced elements of each output are one contiguous run (trailing axes)
  int64_t input_count = 0;
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  QuantizedMultiplier multiplier;  // s_in / s_out with 1/count folded in
};

// `axes` in [-rank, rank), duplicates ignored (TFLite's ResolveAxis). InputError for an axis out of
// range, an empty reduction, or a rank above kMaxDims.
MeanParams prepare_mean(const ir::Shape& input, std::span<const int64_t> axes, const ir::QuantParams& input_q,
                        const ir::QuantParams& output_q);

// One output from the int32 sum of its reduced int8 values (TFLite's temp_sum, exact below 2^24 of
// them): centred on the input zero point, then requantized.
inline int8_t mean_of_sum(const MeanParams& p, int32_t sum) {
  const auto centered = static_cast<int32_t>(sum - static_cast<int64_t>(p.input_zero_point) * p.reduced.count);
  return clamp_to(multiply_by_quantized_multiplier(centered, p.multiplier) + p.output_zero_point, ActivationRange{});
}

// Accumulator: the int32 sum of the reduced int8 values (TFLite's temp_sum), exact below 2^24 of them.
void mean_int8(const MeanParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
