// Which values two versions of a graph compute alike: a changed graph can reuse the values the
// unchanged part of it computed before (pruning's sensitivity points start from the unpruned
// model's captured values).
#pragma once

#include <string>
#include <unordered_set>

#include "ir/graph.h"

namespace tinyc::ir {

// The names of the values of `after` computed exactly as in `before`: graph inputs of both with the
// same dtype and shape, and outputs of nodes that match by name, op, domain, attributes, output names
// and inputs (each input the same such value, or a constant with the same name and data).
std::unordered_set<std::string> same_values(const Graph& before, const Graph& after);

}  // namespace tinyc::ir
