// A 64-bit digest of everything a graph computes, so work measured on one graph (pruning's
// sensitivity curves, say) can be reused on an identical copy and never on a changed one.
#pragma once

#include <cstdint>

#include "ir/graph.h"

namespace tinyc::ir {

// FNV-1a over the graph's text dump (names, ops, attributes, types, in topological order), every
// value's quantization parameters and every constant's bytes. Equal graphs give equal digests;
// clones of a graph give its digest.
uint64_t fingerprint(const Graph& g);

}  // namespace tinyc::ir
