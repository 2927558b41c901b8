// The float Conv product (conv_gemm.h) on every instruction set the CPU runs: the same bits as the
// portable body and as the plain sum bias + w[0] * x[0] + w[1] * x[1] + ... in T, on seeded random
// shapes that take both lane layouts (along positions and along channels) and the partial last
// block. The build's -ffp-contract=off keeps the plain sum unfused, as the product.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "exec/kernels/conv_gemm.h"

using namespace tinyc;
using namespace tinyc::exec::kernels;

namespace {

template <class T>
std::vector<T> draw_values(std::mt19937_64& engine, int64_t n) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<T> v(static_cast<size_t>(n));
  for (T& x : v) x = static_cast<T>(normal(engine));
  return v;
}

template <class T>
void check_every_isa(uint64_t seed) {
  std::mt19937_64 engine(seed);
  const auto between = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(engine); };
  for (int c = 0; c < 60; ++c) {
    // Few positions and many channels favour lanes along the channels; the rest along positions.
    const bool narrow = c % 3 == 0;
    const int64_t rows = between(1, narrow ? 70 : 20), depth = between(1, 80);
    const int64_t columns = narrow ? between(1, 9) : between(1, 150);
    const auto w = draw_values<T>(engine, rows * depth), x = draw_values<T>(engine, depth * columns),
               bias = draw_values<T>(engine, rows);
    const bool has_bias = c % 2 == 0;
    std::vector<T> expected(static_cast<size_t>(rows * columns));
    for (int64_t m = 0; m < rows; ++m)
      for (int64_t j = 0; j < columns; ++j) {
        T sum = has_bias ? bias[m] : T(0);
        for (int64_t k = 0; k < depth; ++k) sum = sum + w[m * depth + k] * x[k * columns + j];
        expected[m * columns + j] = sum;
      }
    for (exec::Isa isa : exec::runnable_isas()) {
      const ConvGemm<T> g(rows, depth, columns, conv_block<T>(isa));
      std::vector<T> packed(static_cast<size_t>(g.packed_weights_size())), tail(static_cast<size_t>(g.tail_size()));
      std::vector<T> out(expected.size());
      pack_conv_weights(g, w.data(), packed.data());
      conv_gemm(g, packed.data(), StridedColumns<T>{x.data(), columns}, has_bias ? bias.data() : nullptr, out.data(),
                tail.data());
      INFO("case " << c << " on " << exec::isa_name(isa) << ": " << rows << " x " << depth << " x " << columns
                   << (g.channel_lanes ? ", lanes along channels" : ", lanes along positions"));
      CHECK(std::memcmp(out.data(), expected.data(), out.size() * sizeof(T)) == 0);
    }
  }
}

}  // namespace

TEST_CASE("float Conv product: the same bits as the plain ordered sum on every instruction set, float",
          "[exec][kernels][conv]") {
  check_every_isa<float>(11);
}

TEST_CASE("float Conv product: the same bits as the plain ordered sum on every instruction set, double",
          "[exec][kernels][conv]") {
  check_every_isa<double>(12);
}
