// Data-free ranges for a classifier's head: the layers after its last BatchNormalization.
// BatchNorm statistics give each channel's spread but not how features co-vary, and the fully
// connected layers of a head turn that co-variation into most of their output range (the features
// of one class fire together): ranges propagated as if features were independent come out several
// times too narrow there and clip the logits. So the head's input is synthesized instead: rows of
// the last BatchNorm's output drawn from N(beta, gamma^2) per channel, then moved by gradient
// descent (Adam) until the head predicts each class confidently while every channel keeps the
// BatchNorm's mean and spread (DeepInversion restricted to the head, whose ops have simple
// gradients). The head is then calibrated on those rows as on data.
#pragma once

#include <cstdint>

#include "calib/range.h"
#include "ir/graph.h"

namespace tinyc::calib {

// How the head's input rows are synthesized.
struct HeadSynthesisOptions {
  int64_t rows_per_class = 4;
  int iterations = 200;
  double step = 0.1;          // Adam's step, in units of each channel's gamma
  double prior_weight = 1.0;  // weight of the BatchNorm-statistics term against the class term
  uint64_t seed = 1;          // the initial draw; the same seed gives the same ranges
};

// The ranges of the head's values (not of its input, the BatchNorm's output), keyed by their names
// in `unfolded` (shapes inferred), calibrated with the auto method on synthesized rows. The head is
// the chain of single consumers from the last BatchNormalization's output to the first graph
// output, every node of which calib::has_input_gradient() handles and has constant inputs but the
// first, holding at least one Gemm or MatMul and ending in class scores (class_count() in
// synthesis_terms.h). Empty when the model has no such head.
RangeMap synthesize_head_ranges(const ir::Graph& unfolded, const HeadSynthesisOptions& options = {});

}  // namespace tinyc::calib
