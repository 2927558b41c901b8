// Channel importance for structured pruning: which channels of a group go first.
#pragma once

#include <vector>

#include "passes/prune/channels.h"
#include "passes/prune/prune.h"

namespace tinyc::passes {

// Every channel class of the graph scored by `ranking` (higher = more important). Activation
// ranking runs `g` once on `calibration_inputs` to measure mean x^2 at every consumer's input:
// score_c^2 = sum over consumers and the columns j of channel c of mean(x_j^2) * |W[:, j]|^2, the
// energy channel c contributes to the next layers' outputs.
std::vector<double> channel_scores(const ir::Graph& g, const ChannelGraph& channels, ChannelRanking ranking,
                                   const std::vector<ir::Tensor>& calibration_inputs,
                                   const exec::ExecutorOptions& options);

// Sum of f(w) per output channel (by_output) or per input column of a Conv/Gemm weight.
std::vector<double> weight_sums(const ir::Node& n, bool by_output, double (*f)(double));

}  // namespace tinyc::passes
