// TFLite expresses a clamp after an op only as a fused activation (NONE, RELU, RELU6, RELU_N1_TO_1);
// these pick the one whose int8 clamp equals the IR's clamp exactly, or report that none does.
#pragma once

#include <limits>
#include <optional>

#include "formats/tflite/model_builder.h"
#include "ir/node.h"
#include "ir/quant_params.h"

namespace tinyc::tflite_format {

// A float clamp [min, max]; an infinite end does not clamp.
struct ClampBounds {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};

// The activation with exactly these float bounds (RELU [0, inf), RELU6 [0, 6], RELU_N1_TO_1 [-1, 1],
// NONE unbounded); otherwise the one whose int8 clamp at `output` parameters (zero_point +
// round(bound / scale), intersected with [-128, 127]) is the same integer interval as `bounds`' clamp,
// RELU, RELU6 and RELU_N1_TO_1 tried before NONE. nullopt when none matches.
std::optional<fb::ActivationFunctionType> matching_activation(ClampBounds bounds, const ir::QuantParams& output);

// True when the clamp leaves every int8 value at `output` parameters unchanged.
bool clamp_is_noop(ClampBounds bounds, const ir::QuantParams& output);

// The fused_activation_function for a node's output 0: NONE without activation_min/max (docs/ir.md),
// otherwise matching_activation(). InputError naming the node when no activation matches exactly.
fb::ActivationFunctionType fused_activation(const ir::Node& node);

}  // namespace tinyc::tflite_format
