// Choosing which weights of a layer to zero, and compensating for them, from the second moments of
// the layer's inputs (optimal brain surgeon, swept over the columns once).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace tinyc::passes {

// The upper Cholesky factor U of H^-1 (U^T U = H^-1), H = gram + a small damping, gram = X^T X
// over a layer's input patches (with the constant 1 of the bias). Inputs that are always zero get
// a unit diagonal.
Eigen::MatrixXd obs_factor(const Eigen::MatrixXd& gram);

// Zeroes `zeros` of the weight columns of `w` ([outputs, inputs + 1], the last column the bias,
// which is never zeroed) so that each output's error |X (w_r - w_in,r)|^2 grows as little as a
// one-pass sweep can tell. Output r uses factors[r / (outputs / factors.size())]: one factor for a
// plain layer, one per group of a grouped Conv. Columns are visited left to right in blocks; in
// each block the weights with the least w^2 / U_jj^2 go (the block's share of `zeros`, chosen over
// all outputs at once, so outputs lose different counts), and each zeroed weight moves its error
// onto the row's later columns along row j of U.
Eigen::MatrixXd obs_prune(const std::vector<Eigen::MatrixXd>& factors, Eigen::MatrixXd w, int64_t zeros);

}  // namespace tinyc::passes
