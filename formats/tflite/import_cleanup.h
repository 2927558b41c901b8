// Clean-ups after the per-op importers ran, before the interface is finished.
#pragma once

#include "formats/tflite/import_context.h"

namespace tinyc::tflite_format {

// A Transpose whose input comes from another Transpose (read by nothing else) becomes one Transpose
// with the composed permutation, and disappears when that is the identity. Such pairs appear where a
// file holds NCHW data in rank-4 tensors (the NCHW side of tinyc's own RESHAPE/TRANSPOSE lowering),
// which the importer reads as NHWC and transposes on both sides.
void fold_transpose_pairs(ImportContext& ctx);

}  // namespace tinyc::tflite_format
