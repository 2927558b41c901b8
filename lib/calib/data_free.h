// Activation ranges without calibration data (--data-free), estimated from the BatchNormalization
// statistics a model keeps. An approximation: it assumes every channel after a BN is normal with
// the BN's learned shift and scale, and that inputs of a linear layer are independent. Reports must
// say that a model was quantized this way.
#pragma once

#include "calib/head_synthesis.h"
#include "calib/range.h"
#include "ir/graph.h"

namespace tinyc::calib {

// The assumptions data-free ranges rest on.
struct DataFreeOptions {
  float input_min = 0.0f;  // every float graph input is taken as uniform over [input_min, input_max]
  float input_max = 1.0f;
  double sigmas = 6.0;  // a channel N(mean, sd^2) is taken to cover mean +- sigmas * sd
  bool synthesize_head = true;  // a classifier head's ranges from synthesized rows (head_synthesis.h)
  HeadSynthesisOptions head;
};

// Per-channel (axis 1) normal statistics are propagated through the unfolded graph (shapes
// inferred): a BN output channel is N(beta, gamma^2) whatever came before; Relu and Clip give the
// moments of the clipped normal; Conv, Gemm and MatMul with constant weights give mean W.mean + b
// and variance (W*W).var; Add, Sub and Mul combine independent operands; pooling, Pad, Flatten,
// Reshape, Concat, Identity and Dropout carry statistics through. Ranges: a graph input's is the
// assumed input range; Relu and Clip cut their input's range; pooling, padding and reshaping keep
// it; Concat joins its inputs'; Sigmoid, Softmax and Tanh give their output interval; every other
// value's is the union over channels of mean +- sigmas * sd. Then, with synthesize_head, the values
// of a classifier head after the last BatchNorm take the ranges synthesize_head_ranges() measures
// instead. Ranges are widened to contain 0.
// The map holds every activation of `unfolded`; the folded graph finds its ranges by name, because a
// folding pass gives the surviving value the name of the value it now computes (a BN's or an
// activation's output). InputError for an op without a statistics rule, or an invalid input range.
RangeMap data_free_ranges(const ir::Graph& unfolded, const DataFreeOptions& options = {});

}  // namespace tinyc::calib
