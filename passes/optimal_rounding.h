// Rounding a layer's weights onto a symmetric 8- or 4-bit grid so that its outputs on the calibration
// rows move as little as possible, from the second moments of its input patches (no training).
// Nearest rounding treats every weight alone; at 4 bits that costs most layers a tenth of their
// output energy. Here each output's scale is searched first, then the weights are rounded in one
// sweep over the columns: the error of each rounded column moves onto the columns not yet rounded
// and finally onto the bias, along the Cholesky factor of the inverse second moments (GPTQ / OBQ
// error feedback).
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace tinyc::passes {

// A layer's weights on the grid and what they cost.
struct RoundedLayer {
  std::vector<int8_t> values;  // [outputs, inputs], row-major (weight_matrix's order), in [-m, m]
  std::vector<float> scales;   // one per output, or one for the tensor
  std::vector<double> bias;    // one per output: the float bias after compensation
  // Output error energy over output energy, summed over outputs, on the second moments: what the
  // layer loses on the calibration rows.
  double relative_error = 0;
};

// `w`: [outputs, inputs + 1], the bias in the last column (prune/patches.h weight_matrix).
// `grams`: X^T X of the input patches with the trailing 1 (gather_patches), one per group; output r
// reads grams[r / (outputs / grams.size())]. `bits`: 8 or 4 (levels [-m, m], m = 2^(bits-1) - 1).
// `per_channel`: one scale per output, else one for the tensor. Each scale is m-th of the largest
// |w| times the factor in 0.50..1.00 (steps of 0.02) with the least input-weighted squared error.
// The same inputs give the same result.
RoundedLayer round_optimally(const Eigen::MatrixXd& w, const std::vector<Eigen::MatrixXd>& grams, int bits,
                             bool per_channel);

// RoundedLayer::relative_error for any rounding: sum over outputs r of d_r H d_r^T / w_r H w_r^T
// with d = w - rounded (both [outputs, inputs + 1], bias last) and H the row's gram matrix.
double output_relative_error(const Eigen::MatrixXd& w, const Eigen::MatrixXd& rounded,
                             const std::vector<Eigen::MatrixXd>& grams);

}  // namespace tinyc::passes
