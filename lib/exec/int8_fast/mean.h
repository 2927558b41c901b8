// Fast int8 Mean where each output averages one contiguous run (GlobalAveragePool and ReduceMean
// over trailing axes): sums in a loop the compiler vectorizes, then TFLite's requantization.
// Bit-exact with int8_reference::mean_int8, the oracle its tests compare with.
#pragma once

#include <span>

#include "exec/int8_reference/int8_mean.h"

namespace tinyc::exec::int8_fast {

// True when fast_mean_int8 computes `p`: the reduced axes are the trailing ones.
inline bool fast_mean_applies(const int8_reference::MeanParams& p) { return p.reduced_run; }

// Same contract and result as int8_reference::mean_int8. Precondition: fast_mean_applies(p).
void fast_mean_int8(const int8_reference::MeanParams& p, std::span<const int8_t> input, std::span<int8_t> output);

}  // namespace tinyc::exec::int8_fast
