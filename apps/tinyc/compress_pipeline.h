// The one pass pipeline `compress` runs: --passes, or the default folding steps, with the shorthand
// options (--prune, --int8 and its --calib-method and --weight-scales) adding their steps where
// that is unambiguous. Composed and checked before any work; its full text goes into the report.
#pragma once

#include <string>
#include <vector>

#include "passes/pipeline.h"
#include "prune_options.h"
#include "quantize_options.h"

namespace tinyc::cli {

// The steps to run and what they imply for the rest of the command.
struct CompressPipeline {
  std::vector<passes::PipelineStep> steps;
  std::string text;          // every option's value: given as --passes it runs the same steps
  bool prunes = false;       // has a prune step (it needs calibration rows)
  bool quantizes = false;    // has a quantize_int8 step (the output is int8)
  std::string calib_method;  // the quantize_int8 step's calib option; empty without one
};

// Without --passes: the default folding steps, then --prune's step, then with --int8 the
// quantization steps. With --passes: its steps; --prune inserts its step before the first of
// equalize_cross_layer, bias_correction and quantize_int8 (or at the end), --int8 appends the
// quantization steps when the text has no quantize_int8. InputError when the two say the same thing
// twice (--prune and a prune step; --calib-method or --weight-scales and a quantize_int8 step), for
// --data-free with bias_correction (it measures on calibration rows), and for anything
// passes::check_pipeline refuses. `repack` (an int8 .tflite) runs no steps.
CompressPipeline compose_pipeline(const std::string& passes_text, const PruneCliOptions& prune,
                                  const QuantizeOptions& quantize, bool repack);

}  // namespace tinyc::cli
