// Calibration rows without data, for pruning without --calib: model inputs synthesized from what
// the model itself knows. Each BatchNormalization holds the mean and variance its input had over
// the training data; rows are drawn uniformly over the input range and moved by gradient descent
// (Adam, gradients through the whole graph, gradients.h) until every BatchNorm sees its input's
// training statistics again and, in a classifier, the rows are predicted confidently, one class
// after another (DeepInversion without its image priors). Rows stay inside the input range.
#pragma once

#include <cstdint>
#include <functional>

#include "ir/graph.h"

namespace tinyc::calib {

// How many rows, and how hard they are optimized.
struct InputSynthesisOptions {
  int64_t rows = 64;
  int64_t batch = 32;      // rows optimized together: the BatchNorm statistics are matched per batch
  int iterations = 200;
  double step = 0.05;      // Adam's step, as a fraction of the input range
  double class_weight = 1.0;  // the class term's weight against the mean statistics term (0: none)
  float input_min = 0.0f;  // the range of the model's input values
  float input_max = 1.0f;
  uint64_t seed = 1;       // the initial draw; the same seed gives the same rows
  int threads = 0;         // batches optimized at once; 0 = one per core (the rows are the same for any number)
  std::function<void(int64_t steps_done)> on_step;  // called after each descent step, when set
};

// Batches of options.batch rows, and descent steps over all of them (what on_step counts to).
int64_t batch_count(const InputSynthesisOptions& options);
int64_t synthesis_steps(const InputSynthesisOptions& options);

// Rows [options.rows, ...] for the single float input of `unfolded` (shapes inferred, batch 1,
// BatchNorms not folded). Throws InputError when the model has another input count or type, no
// BatchNormalization with constant statistics, or an op on the way to a BatchNorm or to the output
// that has no gradient here (named), and for an empty input range or a row count below 1.
ir::Tensor synthesize_input_rows(const ir::Graph& unfolded, const InputSynthesisOptions& options = {});

}  // namespace tinyc::calib
