// Improving which weights of one output row stay nonzero after unstructured pruning: the sweep
// that chose them (obs_prune) decides each zero once; exchanging a kept weight for a zeroed one
// can still lower the row's least-squares error.
#pragma once

#include <Eigen/Dense>
#include <vector>

namespace tinyc::passes {

// Rows with more candidate columns than this keep their support: each exchange costs O(columns^3).
constexpr Eigen::Index kMaxSwapColumns = 512;

// For the row problem  min_w  w^T A w - 2 b^T w  with w nonzero only on `keep`, repeats the single
// exchange (one column of `keep` out, one of `zero` in) that lowers the minimum most, evaluated
// exactly (the removal by the optimal-brain-surgeon formula, the addition by its Schur
// complement), until none lowers it or `max_swaps` were made. keep.back() (the bias) never leaves.
// Returns the number of exchanges made.
int swap_support(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, std::vector<Eigen::Index>& keep,
                 std::vector<Eigen::Index>& zero, int max_swaps);

}  // namespace tinyc::passes
