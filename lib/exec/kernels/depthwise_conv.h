// Direct depthwise convolution (group == input channels), which im2col + a GEMM per channel
// would turn into thousands of tiny matrix products.
#pragma once

#include <cstdint>
#include <optional>

#include "exec/isa.h"
#include "exec/kernels/columns.h"
#include "exec/kernels/padded_plane.h"

namespace tinyc::exec::kernels {

// A 1-D or 2-D depthwise convolution resolved once in prepare(). Every input plane (image n,
// channel c) feeds `multiplier` output planes c * multiplier + m.
struct DepthwisePlan {
  int64_t planes = 0;  // batch * channels
  int64_t channels = 1;
  int64_t multiplier = 1;
  PaddedPlane padded;
  Isa isa = Isa::portable;  // the instruction set the loops run on

  // Scratch elements of depthwise_conv: one padded input plane and one wide output plane.
  int64_t scratch_size() const { return padded.size() + padded.wide_size; }
};

// The plan for a Conv over `g` (columns = output grid, targets = input grid) when it is depthwise
// (groups == channels, one input channel per group) with 1 or 2 spatial dims; nullopt otherwise.
std::optional<DepthwisePlan> plan_depthwise(const ColumnGeometry& g, int64_t batch, int64_t channels, int64_t groups,
                                            int64_t group_in, int64_t group_out);

// y = depthwise conv of x (N x C x spatial) with w (C * multiplier x 1 x kernel) plus bias (0 when
// null); `scratch` holds plan.scratch_size() elements. Accumulation: each output adds its kernel's
// products in T to the bias in tap order, a product then a sum, on every instruction set.
template <class T>
void depthwise_conv(const DepthwisePlan& plan, const T* x, const T* w, const T* bias, T* y, T* scratch);

extern template void depthwise_conv<float>(const DepthwisePlan&, const float*, const float*, const float*, float*,
                                           float*);
extern template void depthwise_conv<double>(const DepthwisePlan&, const double*, const double*, const double*,
                                            double*, double*);

}  // namespace tinyc::exec::kernels
