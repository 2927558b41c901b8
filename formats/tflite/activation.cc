// Fused activations chosen by comparing int8 clamp intervals, computed with the int8 kernels' own
// activation-range arithmetic (exec/int8_reference/quant_math.h), so the file computes what the executor does.
#include "formats/tflite/activation.h"

#include <array>
#include <sstream>
#include <utility>

#include "exec/int8_reference/quant_math.h"
#include "formats/tflite/lowering.h"
#include "ir/error.h"

namespace tinyc::tflite_format {

namespace {

namespace q = exec::int8_reference;

q::ActivationRange int8_range(ClampBounds bounds, const q::AffineParams& params) {
  return q::activation_range({bounds.min, bounds.max}, params);
}

}  // namespace

std::optional<fb::ActivationFunctionType> matching_activation(ClampBounds bounds, const ir::QuantParams& output) {
  const q::AffineParams params = q::per_tensor(output, "activation output");
  const q::ActivationRange wanted = int8_range(bounds, params);
  static const std::array<std::pair<fb::ActivationFunctionType, q::ActivationBounds>, 4> kCandidates = {{
      {fb::ActivationFunctionType::RELU, q::ActivationBounds::relu()},
      {fb::ActivationFunctionType::RELU6, q::ActivationBounds::relu6()},
      {fb::ActivationFunctionType::RELU_N1_TO_1, q::ActivationBounds::relu_n1_to_1()},
      {fb::ActivationFunctionType::NONE, q::ActivationBounds::none()},
  }};
  for (const auto& [type, candidate] : kCandidates)  // the same clamp, as named by the model
    if (candidate.min == bounds.min && candidate.max == bounds.max) return type;
  for (const auto& [type, candidate] : kCandidates)  // another clamp with the same int8 interval
    if (q::activation_range(candidate, params) == wanted) return type;
  return std::nullopt;
}

bool clamp_is_noop(ClampBounds bounds, const ir::QuantParams& output) {
  return int8_range(bounds, q::per_tensor(output, "clamp output")) == q::ActivationRange{};
}

fb::ActivationFunctionType fused_activation(const ir::Node& node) {
  if (!node.has_attr("activation_min") && !node.has_attr("activation_max")) return fb::ActivationFunctionType::NONE;
  ClampBounds bounds;
  bounds.min = node.attr_float("activation_min", bounds.min);
  bounds.max = node.attr_float("activation_max", bounds.max);
  const ir::QuantParams& output = quant_of(node, node.output(0));
  if (auto type = matching_activation(bounds, output)) return *type;
  std::ostringstream msg;
  msg << describe(node) << ": the fused clamp [" << bounds.min << ", " << bounds.max
      << "] is none of TFLite's fused activations (RELU, RELU6, RELU_N1_TO_1) at the output's int8 parameters, "
         "and the output's quantized range does not express it either; keep the clamp as a separate node";
  throw InputError(msg.str());
}

}  // namespace tinyc::tflite_format
