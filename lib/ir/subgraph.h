// Cutting a graph between values: the part that computes some values from others, as a graph of its
// own (a staged capture runs it instead of the whole model).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::ir {

// The nodes of `g` that compute `targets` from the `known` values (name -> the shape to give it) and
// from constants, as a new graph: each known value they read becomes a graph input (in the order the
// topological walk first reads them), and the targets are its outputs, in order. Throws
// InternalError when a target is known itself, is missing, or needs a graph input of g that is not
// known.
std::unique_ptr<Graph> subgraph(const Graph& g, const std::map<std::string, Shape>& known,
                                const std::vector<std::string>& targets);

}  // namespace tinyc::ir
