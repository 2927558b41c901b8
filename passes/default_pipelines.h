// The pipelines `tinyc compress` runs when the user gives no --passes, as pipeline text.
#pragma once

#include <string>
#include <string_view>

namespace tinyc::passes {

// Float-preserving graph folding: constants, identities, BatchNorm and affine folding, Pad folding,
// layout merging and activation fusion, then dead-code removal. The result computes the same
// function as the input (up to float rounding) with fewer nodes.
std::string default_folding_pipeline();

// The folding pipeline, then quantize_int8 calibrating with `calib_method` (auto: per tensor the
// method with the least measured error); it needs calibration rows or data-free ranges in the
// PassContext. equalize_cross_layer and bias_correction are not in
// it: on the corpus they change top-1 by less than the noise of 500 test rows (either way).
std::string default_int8_pipeline(std::string_view calib_method = "auto");

}  // namespace tinyc::passes
