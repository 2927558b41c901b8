// Reconstruction after pruning without retraining: refitting a Conv or Gemm by least squares so its
// outputs on calibration rows match the unpruned model's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "passes/prune/prune.h"

namespace tinyc::passes {

// What one refit reads: the layer in the unpruned graph and its input there, the same-named layer's
// input in the pruned graph (same rows), and which original output channels the pruned layer keeps.
struct RefitData {
  const ir::Node* original = nullptr;
  const ir::Tensor* original_input = nullptr;  // not owned
  const ir::Tensor* pruned_input = nullptr;    // not owned
  std::vector<int64_t> kept_outputs;
  bool masked = false;  // weights that are zero stay zero (unstructured pruning)
};

// Refits node `name` of `pruned` (a Conv over 2-D images, grouped or depthwise included, or a Gemm with
// alpha = beta = 1 and transA = 0): its weights and bias W solve, group by group, the ridge problem
//   min |P W - Y|^2 + lambda |W - W0|^2
// where the rows of P are the pruned layer's input patches (plus a 1 for the bias), Y is the unpruned
// layer's output before its activation on the same rows, and W0 the current weights; with `masked`,
// each output row keeps its count of zeros (which weights they are may change, swap_support) and is
// solved over its nonzero weights only. lambda is chosen on the last quarter of
// the rows, held out; the refit is applied only when it lowers the held-out error. Layers of another
// form are left unchanged (applied = false).
LayerRefit refit_layer(ir::Graph& pruned, const std::string& name, const RefitData& data);

}  // namespace tinyc::passes
