// verify(): checks the IR's structural invariants; run after import and after every pass.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace tinyc::ir {

// Every broken invariant, one line each; empty when the graph is well formed.
// Checks: use lists match node inputs; each value has exactly one definition; node inputs are
// defined; names are unique and non-empty; graph outputs are defined; no cycle; constants hold
// exactly shape x dtype bytes; quant params have matching scale/zero-point counts.
std::vector<std::string> verify(const Graph& g);

// Throws InternalError listing the problems when verify() finds any.
void verify_or_throw(const Graph& g, const std::string& context);

}  // namespace tinyc::ir
