// transposed_product: a's columns are the weight rows, b's rows the columns of one Conv product.
#include "passes/transposed_product.h"

#include <vector>

#include "exec/kernels/conv_gemm.h"
#include "ir/error.h"

namespace tinyc::passes {

Eigen::MatrixXd transposed_product(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows())
    throw InternalError("transposed_product: " + std::to_string(a.rows()) + " and " + std::to_string(b.rows()) +
                        " rows");
  using exec::kernels::ConvGemm;
  const ConvGemm<double> g(a.cols(), a.rows(), b.cols(), exec::kernels::conv_block<double>(exec::detected_isa()));
  // a is column-major, so its columns are rows of a^T; the columns operand wants b's rows contiguous.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = b;
  std::vector<double> packed(static_cast<size_t>(g.packed_weights_size())), tail(static_cast<size_t>(g.tail_size()));
  exec::kernels::pack_conv_weights(g, a.data(), packed.data());
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> out(a.cols(), b.cols());
  const double* no_bias = nullptr;
  exec::kernels::conv_gemm<double>(g, packed.data(), exec::kernels::StridedColumns<double>{rows.data(), b.cols()},
                                   no_bias, out.data(), tail.data());
  return out;
}

}  // namespace tinyc::passes
