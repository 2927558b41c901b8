// Input gradients of the sliding-window ops (2-D Conv, MaxPool, AveragePool), for gradients.cc.
#pragma once

#include "ir/graph.h"

namespace tinyc::calib {

// A 2-D Conv with constant float weights, or a 2-D MaxPool / AveragePool without indices output.
bool has_window_gradient(const ir::Node& node);

// dL/dx of a Conv: every output position's gradient spread back over its window by the weights.
ir::Tensor conv_input_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& dy);
// dL/dx of a MaxPool: each output's gradient goes to the first window element holding its value.
ir::Tensor max_pool_input_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& y,
                                   const ir::Tensor& dy);
// dL/dx of an AveragePool: each output's gradient shared over the elements its average counted.
ir::Tensor average_pool_input_gradient(const ir::Node& node, const ir::Tensor& x, const ir::Tensor& dy);

}  // namespace tinyc::calib
