// Node attributes with ONNX semantics (ints, floats, strings, lists, tensors).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "ir/tensor.h"

namespace tinyc::ir {

// One attribute value. Passes add typed attributes of their own (documented in docs/ir.md), e.g.
// "fused_activation" (string) and "activation_min"/"activation_max" (float).
using Attribute = std::variant<int64_t, float, std::string, std::vector<int64_t>, std::vector<float>,
                               std::vector<std::string>, Tensor>;

// Sorted by name so dumps and exports are deterministic.
using Attributes = std::map<std::string, Attribute>;

std::string attribute_to_string(const Attribute& a);

}  // namespace tinyc::ir
