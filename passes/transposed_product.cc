// transposed_product and gram: a's columns are the weight rows, b's rows the columns of one Conv
// product. The sample matrices are tall (thousands of rows, up to a few hundred columns), so the
// rows are taken a block at a time (ConvGemm::accumulate): a block of a, packed, stays in cache
// while it meets every column of b, and every entry is still one sum in order of the rows.
#include "passes/transposed_product.h"

#include <algorithm>
#include <vector>

#include "exec/kernels/conv_gemm.h"
#include "ir/error.h"

namespace tinyc::passes {

namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Elements of a's packed block of rows: 256 KiB, within the L2 cache of current cores.
constexpr Eigen::Index kBlockElements = 32768;
// Columns of the gram matrix computed per product: wide enough to keep the register blocks full,
// narrow enough that the blocks above the diagonal it also computes cost little.
constexpr Eigen::Index kGramColumns = 64;

// a[:, a_first:]^T times columns [b_first, b_first + count) of b (given row-major, as `b_rows`).
RowMajor product_block(const Eigen::MatrixXd& a, Eigen::Index a_first, const RowMajor& b_rows, Eigen::Index b_first,
                       Eigen::Index count) {
  using exec::kernels::ConvGemm;
  const Eigen::Index outputs = a.cols() - a_first, n = a.rows();
  const Eigen::Index depth = std::min(n, std::max<Eigen::Index>(16, kBlockElements / std::max<Eigen::Index>(1, outputs)));
  const exec::kernels::ConvBlock block = exec::kernels::conv_block<double>(exec::detected_isa());
  RowMajor out = RowMajor::Zero(outputs, count);
  std::vector<double> packed, tail;
  for (Eigen::Index first = 0; first < n; first += depth) {
    const Eigen::Index rows = std::min(depth, n - first);
    ConvGemm<double> g(outputs, rows, count, block);
    g.accumulate = true;
    packed.resize(static_cast<size_t>(g.packed_weights_size()));
    tail.resize(static_cast<size_t>(g.tail_size()));
    // a is column-major: its columns, from row `first` on, are the rows of a^T's block.
    exec::kernels::pack_conv_weights(g, a.data() + a_first * n + first, packed.data(), n);
    const double* no_bias = nullptr;
    exec::kernels::conv_gemm<double>(
        g, packed.data(),
        exec::kernels::StridedColumns<double>{b_rows.data() + first * b_rows.cols() + b_first, b_rows.cols()}, no_bias,
        out.data(), tail.data());
  }
  return out;
}

}  // namespace

Eigen::MatrixXd transposed_product(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.rows() != b.rows())
    throw InternalError("transposed_product: " + std::to_string(a.rows()) + " and " + std::to_string(b.rows()) +
                        " rows");
  return product_block(a, 0, b, 0, b.cols());
}

Eigen::MatrixXd gram(const Eigen::MatrixXd& a) {
  const RowMajor rows = a;
  const Eigen::Index p = a.cols();
  Eigen::MatrixXd out(p, p);
  for (Eigen::Index first = 0; first < p; first += kGramColumns) {
    const Eigen::Index count = std::min(kGramColumns, p - first);
    const RowMajor part = product_block(a, first, rows, first, count);  // rows first.., columns first..+count
    out.block(first, first, p - first, count) = part;
    out.block(first, first, count, p - first) = part.transpose();
  }
  return out;
}

}  // namespace tinyc::passes
