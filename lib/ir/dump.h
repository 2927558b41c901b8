// Human-readable text dump of a graph, for -v logs, --dump-after and test failure messages.
#pragma once

#include <string>

#include "ir/graph.h"

namespace tinyc::ir {

// One line per input, constant (type only), node and output, in topological order.
std::string dump(const Graph& g);

}  // namespace tinyc::ir
