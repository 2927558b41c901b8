// The pipelines `tinyc compress` runs when the user gives no --passes, as pipeline text.
#pragma once

#include <string>

namespace tinyc::passes {

// Float-preserving graph folding: constants, identities, BatchNorm and affine folding, Pad folding,
// layout merging and activation fusion, then dead-code removal. The result computes the same
// function as the input (up to float rounding) with fewer nodes.
std::string default_folding_pipeline();

}  // namespace tinyc::passes
