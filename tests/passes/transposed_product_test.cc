// transposed_product and gram against the plain ordered sum a[0][i] * b[0][j] + a[1][i] * b[1][j] + ...
// bit for bit, on tall sample matrices that span several row blocks, with column counts around the
// gram's 64-column parts; and gram against Eigen's own a^T a within rounding.
#include <catch2/catch.hpp>

#include <random>

#include "passes/transposed_product.h"

using namespace tinyc::passes;

namespace {

Eigen::MatrixXd random_matrix(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& engine) {
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = normal(engine);
  return m;
}

Eigen::MatrixXd ordered_product(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::MatrixXd out(a.cols(), b.cols());
  for (Eigen::Index i = 0; i < a.cols(); ++i)
    for (Eigen::Index j = 0; j < b.cols(); ++j) {
      double sum = 0;
      for (Eigen::Index k = 0; k < a.rows(); ++k) sum = sum + a(k, i) * b(k, j);
      out(i, j) = sum;
    }
  return out;
}

// Every entry equal, bit for bit (NaN-free data, so == is enough).
bool same_bits(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  return x.rows() == y.rows() && x.cols() == y.cols() && (x.array() == y.array()).all();
}

}  // namespace

TEST_CASE("transposed_product: the plain ordered sum over the rows, bit for bit", "[passes][least_squares]") {
  std::mt19937_64 engine(5);
  // (rows, columns of a, columns of b): one row, fewer rows than a block, many blocks, odd widths.
  const Eigen::Index shapes[][3] = {{1, 3, 2}, {7, 1, 1}, {90, 17, 5}, {1500, 300, 19}, {2500, 577, 64}, {3001, 40, 70}};
  for (const auto& s : shapes) {
    const Eigen::MatrixXd a = random_matrix(s[0], s[1], engine), b = random_matrix(s[0], s[2], engine);
    INFO(s[0] << " x " << s[1] << " and " << s[2]);
    CHECK(same_bits(transposed_product(a, b), ordered_product(a, b)));
  }
}

TEST_CASE("gram: the bits of transposed_product(a, a), symmetric, and Eigen's a^T a", "[passes][least_squares]") {
  std::mt19937_64 engine(6);
  const Eigen::Index shapes[][2] = {{1, 1}, {50, 63}, {50, 64}, {400, 65}, {1200, 130}, {2000, 461}};
  for (const auto& s : shapes) {
    const Eigen::MatrixXd a = random_matrix(s[0], s[1], engine);
    const Eigen::MatrixXd g = gram(a);
    INFO(s[0] << " x " << s[1]);
    CHECK(same_bits(g, transposed_product(a, a)));
    CHECK(same_bits(g, g.transpose()));
    const Eigen::MatrixXd eigen = a.transpose() * a;
    CHECK((g - eigen).cwiseAbs().maxCoeff() <= 1e-9 * std::max(1.0, eigen.cwiseAbs().maxCoeff()));
  }
}
