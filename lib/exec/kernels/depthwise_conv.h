// Direct depthwise convolution (group == input channels), which im2col + a GEMM per channel
// would turn into thousands of tiny matrix products.
#pragma once

#include <cstdint>
#include <optional>

#include "exec/kernels/columns.h"

namespace tinyc::exec::kernels {

// A 1-D or 2-D depthwise convolution resolved once in prepare(). Every input plane (image n,
// channel c) feeds `multiplier` output planes c * multiplier + m.
struct DepthwisePlan {
  int64_t planes = 0;  // batch * channels
  int64_t channels = 1;
  int64_t multiplier = 1;
  PlaneWindow window;
};

// The plan for a Conv over `g` (columns = output grid, targets = input grid) when it is depthwise
// (groups == channels, one input channel per group) with 1 or 2 spatial dims; nullopt otherwise.
std::optional<DepthwisePlan> plan_depthwise(const ColumnGeometry& g, int64_t batch, int64_t channels, int64_t groups,
                                            int64_t group_in, int64_t group_out);

// y = depthwise conv of x (N x C x spatial) with w (C * multiplier x 1 x kernel) plus bias (0 when
// null). Accumulation: each output sums its kernel's products in T, starting from the bias.
template <class T>
void depthwise_conv(const DepthwisePlan& plan, const T* x, const T* w, const T* bias, T* y);

extern template void depthwise_conv<float>(const DepthwisePlan&, const float*, const float*, const float*, float*);
extern template void depthwise_conv<double>(const DepthwisePlan&, const double*, const double*, const double*,
                                            double*);

}  // namespace tinyc::exec::kernels
