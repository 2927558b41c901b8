// a^T b for the sample matrices of least-squares work (normal equations, gram matrices of input
// patches), on the float Conv product's register blocks (exec/kernels/conv_gemm.h) and the widest
// instruction set the CPU has: each entry is an ordered sum over the rows, the same bits on every
// instruction set. Pruning's refits spend most of their arithmetic here.
#pragma once

#include <Eigen/Dense>

namespace tinyc::passes {

// a: [n, p], b: [n, q]; returns [p, q].
Eigen::MatrixXd transposed_product(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);

// a^T a, the same bits as transposed_product(a, a) at about half its cost: only the blocks on and
// below the diagonal are computed, the rest mirrored (entry (i, j) and (j, i) are the same sum).
Eigen::MatrixXd gram(const Eigen::MatrixXd& a);

}  // namespace tinyc::passes
