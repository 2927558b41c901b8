// int8 Softmax over the last axis with TFLite's fixed output parameters (scale 1/256, zero point
// -128), as TFLite Micro's reference Softmax: input differences from the row maximum are rescaled
// to Q5.26, exponentiated in fixed point, summed in Q12.19, and divided through a fixed-point
// reciprocal. LogSoftmax (scale 16/256, zero point 127) subtracts the fixed-point log of that sum
// instead, as TFLite Micro's LOG_SOFTMAX.
#pragma once

#include <cstdint>
#include <span>

#include "exec/int8_reference/quant_math.h"
#include "ir/shape.h"

namespace tinyc::exec::int8_reference {

// Integer bits of the rescaled input differences (Q5.26) and of the sum of exponentials (Q12.19).
inline constexpr int kSoftmaxDiffIntegerBits = 5;
inline constexpr int kSoftmaxSumIntegerBits = 12;

// The row geometry and input rescaling, computed once by prepare_softmax.
struct SoftmaxParams {
  int64_t rows = 0;
  int64_t depth = 0;                     // length of the last axis
  QuantizedMultiplier input_multiplier;  // beta * s_in * 2^26, left shift >= 0
  int32_t diff_min = 0;                  // differences below this contribute exp() = 0
};

// TFLite's PreprocessSoftmaxScaling: min(beta * input_scale * 2^(31 - integer_bits), 2^31 - 1)
// quantized as a multiplier greater than one. InputError when that product is not above 1 (an input
// scale too small for TFLite's int8 Softmax).
QuantizedMultiplier softmax_input_multiplier(double beta, double input_scale, int integer_bits);

// InputError unless the output is scale 1/256, zero point -128, and beta is finite and > 0.
SoftmaxParams prepare_softmax(const ir::Shape& shape, const ir::QuantParams& input_q, const ir::QuantParams& output_q,
                              float beta = 1.0f);

// Accumulator: the Q12.19 sum of the row's exponentials (each at most 2^19 raw) in 64 bits. Where the
// sum reaches 512 (2^28 raw) TFLite Micro stops on a check; every output of such a row is below 1/512
// and this kernel writes -128 (0.0) for it.
void softmax_int8(const SoftmaxParams& p, std::span<const int8_t> input, std::span<int8_t> output);

// LogSoftmax's rows and input rescaling (beta 1), and the inverse of that rescaling.
struct LogSoftmaxParams : SoftmaxParams {
  QuantizedMultiplier reverse_scaling;  // shift <= 0: the log-sum back to input steps
};

// InputError unless the output is scale 16/256, zero point 127 (TFLite's fixed parameters).
LogSoftmaxParams prepare_log_softmax(const ir::Shape& shape, const ir::QuantParams& input_q,
                                     const ir::QuantParams& output_q);

// Differences at or below the row's cut-off (the log-sum brought back to input steps) give -128.
void log_softmax_int8(const LogSoftmaxParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_reference
