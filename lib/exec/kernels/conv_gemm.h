// The matrix product of Conv in register blocks: out[m, j] = bias[m] + sum over k of
// w[m, k] * columns[k, j] for output channels m and output positions j (out row-major, NCHW).
// A block holds ConvBlock::rows x 1 or 2 vectors of accumulators, starts from the bias and is stored
// once. Its vectors run along the positions j (wide feature maps) or, when that wastes fewer
// lanes, along the channels m (small maps with many channels; stored transposed).
// Eigen's general GEMM packs both operands on every call and is tuned for larger matrices; Conv's
// products are small (depth 9 to 600) and repeat per image.
// The vectors are 16 bytes (the build's baseline: SSE2, NEON), or on x86-64, chosen at run time
// (exec/isa.h), 32 (AVX2) or 64 (AVX-512), written once with GCC vector extensions and compiled per
// instruction set with target attributes. Each output is the bias plus its products added in order
// of k, a product then a sum (the build's -ffp-contract=off: never a fused multiply-add): every
// instruction set gives the same bits.
#pragma once

#include <algorithm>
#include <cstdint>

#include "exec/isa.h"
#include "exec/kernels/vectors.h"

namespace tinyc::exec::kernels {

// The register block of one instruction set: `rows` broadcast values x `lanes` (one or two vectors)
// of accumulators. With 16 vector registers, 4 x 2 accumulators fit next to the operands. With 32
// (AVX-512) 16 x 1: each broadcast value then feeds one multiply, which reads it straight from
// memory ({1to16}) instead of through a shuffle, 20-35 % faster than 8 x 2 on AMD Zen 4.
struct ConvBlock {
  Isa isa = Isa::portable;
  int64_t rows = 4;
  int64_t lanes = 8;
};

template <class T>
ConvBlock conv_block(Isa isa) {
  // Elements in `vectors` vectors of `bytes` bytes each.
  constexpr auto lanes = [](int64_t vectors, int64_t bytes) {
    return vectors * bytes / static_cast<int64_t>(sizeof(T));
  };
  if (isa == Isa::avx512) return {isa, 16, lanes(1, 64)};
  if (isa == Isa::avx2) return {isa, 4, lanes(2, 32)};
  return {Isa::portable, 4, lanes(2, 16)};
}

// One product, resolved in prepare(). Columns are `depth` rows of `columns` elements (row stride
// `columns`); weights are packed by pack_conv_weights for `block`.
template <class T>
struct ConvGemm {
  int64_t rows = 0;     // output channels
  int64_t depth = 0;    // input channels x kernel positions
  int64_t columns = 0;  // output positions
  ConvBlock block;
  bool channel_lanes = false;  // vectors run along the output channels
  bool accumulate = false;     // out += the product (no bias): one long sum taken in parts, still in order of k

  ConvGemm(int64_t rows_, int64_t depth_, int64_t columns_, ConvBlock block_)
      : rows(rows_), depth(depth_), columns(columns_), block(block_) {
    const int64_t R = block.rows, L = block.lanes;
    // Lane multiply-adds, counting the lanes wasted past the ends; a transposed scalar store costs
    // about as much as R lanes of multiply-adds.
    const int64_t position_lanes = round_up(rows, R) * round_up(columns, L) * depth;
    const int64_t channel_lanes_cost = round_up(rows, L) * round_up(columns, R) * (depth + R);
    channel_lanes = channel_lanes_cost < position_lanes;
  }

  // Output channels padded to whole blocks along the axis they are packed in.
  int64_t padded_rows() const { return round_up(rows, channel_lanes ? block.lanes : block.rows); }
  int64_t packed_weights_size() const { return padded_rows() * depth; }
  // Scratch for the last, partial block of positions (copied and zero-padded).
  int64_t tail_size() const { return depth * std::max(block.rows, block.lanes); }

  static int64_t round_up(int64_t n, int64_t block) { return (n + block - 1) / block * block; }
};

// Row k of the columns matrix (depth rows of positions) at base + k * stride: im2col columns or the
// input plane itself. A partial last block of positions is copied out before it is read.
template <class T>
struct StridedColumns {
  static constexpr bool kReadablePastEnd = false;
  const T* base = nullptr;
  int64_t stride = 0;
  const T* row(int64_t k) const { return base + k * stride; }
  StridedColumns from(int64_t j0) const { return {base + j0, stride}; }
};

// Row k at base + offsets[k]: kernel taps over padded input planes (padded_plane.h), which are
// readable a whole block past their last position.
template <class T>
struct OffsetColumns {
  static constexpr bool kReadablePastEnd = true;
  const T* base = nullptr;
  const int64_t* offsets = nullptr;
  const T* row(int64_t k) const { return base + offsets[k]; }
  OffsetColumns from(int64_t j0) const { return {base + j0, offsets}; }
};

namespace conv_gemm_detail {

// acc[r][v] += sum over k of a.row(k)[r] * b.row(k)[v * P + lane] (P lanes a vector), k in
// order. The loops over r and v are unrolled, acc is only indexed by constants and the function is
// inlined, so acc stays in registers.
template <class T, int Bytes, int R, int V, class A, class B>
[[gnu::always_inline]] inline void multiply(const A& a, const B& b, int64_t depth,
                                            typename VectorOf<T, Bytes>::type (&acc)[R][V]) {
  constexpr int64_t P = Bytes / sizeof(T);
  for (int64_t k = 0; k < depth; ++k) {
    const T* a_row = a.row(k);
    const T* b_row = b.row(k);
    typename VectorOf<T, Bytes>::type b[V];
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) load<T, Bytes>(b[v], b_row + v * P);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) acc[r][v] = acc[r][v] + a_row[r] * b[v];
  }
}

// Packed weights from output channel m0 on, as rows of multiply's operands.
template <class T>
StridedColumns<T> weight_rows(const ConvGemm<T>& g, const T* packed, int64_t m0) {
  return g.channel_lanes ? StridedColumns<T>{packed + m0, g.padded_rows()}
                         : StridedColumns<T>{packed + m0 * g.depth, g.block.rows};
}

// One block of positions [j0, j0 + valid_columns) of every output channel, reading `panel` (the
// columns from j0 on).
template <class T, int Bytes, int R, int V, class Columns>
[[gnu::always_inline]] inline void gemm_block(const ConvGemm<T>& g, const T* packed, const Columns& panel,
                                              const T* bias, T* out, int64_t j0, int64_t valid_columns) {
  using Vector = typename VectorOf<T, Bytes>::type;
  constexpr int64_t P = Bytes / sizeof(T), L = V * P;
  T staged[L];
  if (g.channel_lanes) {
    for (int64_t m0 = 0; m0 < g.rows; m0 += L) {
      const int64_t valid_rows = std::min(L, g.rows - m0);
      std::fill(staged, staged + L, T(0));
      if (bias && !g.accumulate) std::copy_n(bias + m0, valid_rows, staged);
      Vector acc[R][V];
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        if (g.accumulate && r < valid_columns)
          for (int64_t m = 0; m < valid_rows; ++m) staged[m] = out[(m0 + m) * g.columns + j0 + r];
#pragma GCC unroll 4
        for (int v = 0; v < V; ++v) load<T, Bytes>(acc[r][v], staged + v * P);
      }
      multiply<T, Bytes, R, V>(panel, weight_rows(g, packed, m0), g.depth, acc);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        if (r >= valid_columns) break;
#pragma GCC unroll 4
        for (int v = 0; v < V; ++v) store<T, Bytes>(staged + v * P, acc[r][v]);
        for (int64_t m = 0; m < valid_rows; ++m) out[(m0 + m) * g.columns + j0 + r] = staged[m];
      }
    }
    return;
  }
  for (int64_t m0 = 0; m0 < g.rows; m0 += R) {
    const int64_t valid_rows = std::min<int64_t>(R, g.rows - m0);
    Vector acc[R][V];
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {  // each row's bias in every lane, or the sums so far
      if (g.accumulate) {
        std::fill(staged, staged + L, T(0));
        if (r < valid_rows) std::copy_n(out + (m0 + r) * g.columns + j0, valid_columns, staged);
#pragma GCC unroll 4
        for (int v = 0; v < V; ++v) load<T, Bytes>(acc[r][v], staged + v * P);
        continue;
      }
      broadcast<T, Bytes>(acc[r][0], bias && r < valid_rows ? bias[m0 + r] : T(0));
#pragma GCC unroll 4
      for (int v = 1; v < V; ++v) acc[r][v] = acc[r][0];
    }
    multiply<T, Bytes, R, V>(weight_rows(g, packed, m0), panel, g.depth, acc);
#pragma GCC unroll 16
    for (int r = 0; r < R; ++r) {
      if (r >= valid_rows) break;
      T* row = out + (m0 + r) * g.columns + j0;
      if (valid_columns == L) {
#pragma GCC unroll 4
        for (int v = 0; v < V; ++v) store<T, Bytes>(row + v * P, acc[r][v]);
        continue;
      }
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) store<T, Bytes>(staged + v * P, acc[r][v]);
      std::copy_n(staged, valid_columns, row);
    }
  }
}

// conv_gemm on one block shape: Bytes per vector, R rows.
template <class T, int Bytes, int R, int V, class Columns>
[[gnu::always_inline]] inline void conv_gemm_on(const ConvGemm<T>& g, const T* packed, const Columns& columns,
                                                const T* bias, T* out, T* tail) {
  const int64_t step = g.channel_lanes ? g.block.rows : g.block.lanes;  // positions per block
  for (int64_t j0 = 0; j0 < g.columns; j0 += step) {
    const int64_t valid_columns = std::min(step, g.columns - j0);
    if (Columns::kReadablePastEnd || valid_columns == step) {
      gemm_block<T, Bytes, R, V>(g, packed, columns.from(j0), bias, out, j0, valid_columns);
      continue;
    }
    for (int64_t k = 0; k < g.depth; ++k) {
      std::copy_n(columns.row(k) + j0, valid_columns, tail + k * step);
      std::fill(tail + k * step + valid_columns, tail + (k + 1) * step, T(0));
    }
    gemm_block<T, Bytes, R, V>(g, packed, StridedColumns<T>{tail, step}, bias, out, j0, valid_columns);
  }
}

template <class T, class Columns>
void conv_gemm_portable(const ConvGemm<T>& g, const T* packed, const Columns& columns, const T* bias, T* out,
                        T* tail) {
  conv_gemm_on<T, 16, 4, 2>(g, packed, columns, bias, out, tail);
}

#if TINYC_X86_KERNELS
template <class T, class Columns>
TINYC_AVX2 void conv_gemm_avx2(const ConvGemm<T>& g, const T* packed, const Columns& columns, const T* bias, T* out,
                               T* tail) {
  conv_gemm_on<T, 32, 4, 2>(g, packed, columns, bias, out, tail);
}

template <class T, class Columns>
TINYC_AVX512 void conv_gemm_avx512(const ConvGemm<T>& g, const T* packed, const Columns& columns, const T* bias,
                                   T* out, T* tail) {
  conv_gemm_on<T, 64, 16, 1>(g, packed, columns, bias, out, tail);
}
#endif

}  // namespace conv_gemm_detail

// Reorders w (rows x depth, row-major, row m at w + m * stride; stride 0 means depth) for
// conv_gemm: blocks of block.rows channels stored depth-major, or with channel lanes w transposed
// (depth x padded rows); padding channels are zero.
template <class T>
void pack_conv_weights(const ConvGemm<T>& g, const T* w, T* packed, int64_t stride = 0) {
  const int64_t padded = g.padded_rows(), row = stride > 0 ? stride : g.depth;
  if (g.channel_lanes) {
    for (int64_t k = 0; k < g.depth; ++k)
      for (int64_t m = 0; m < padded; ++m) packed[k * padded + m] = m < g.rows ? w[m * row + k] : T(0);
    return;
  }
  const int64_t R = g.block.rows;
  for (int64_t m0 = 0; m0 < padded; m0 += R, packed += R * g.depth)
    for (int64_t k = 0; k < g.depth; ++k)
      for (int64_t r = 0; r < R; ++r) packed[k * R + r] = m0 + r < g.rows ? w[(m0 + r) * row + k] : T(0);
}

// out (rows x columns, row-major) = packed weights x columns + bias (null: 0), or with
// g.accumulate out += packed weights x columns, on g.block's instruction set. `tail` holds
// g.tail_size() elements (unused when the columns are readable past their end).
template <class T, class Columns>
void conv_gemm(const ConvGemm<T>& g, const T* packed, const Columns& columns, const T* bias, T* out, T* tail) {
#if TINYC_X86_KERNELS
  if (g.block.isa == Isa::avx512) return conv_gemm_detail::conv_gemm_avx512(g, packed, columns, bias, out, tail);
  if (g.block.isa == Isa::avx2) return conv_gemm_detail::conv_gemm_avx2(g, packed, columns, bias, out, tail);
#endif
  conv_gemm_detail::conv_gemm_portable(g, packed, columns, bias, out, tail);
}

}  // namespace tinyc::exec::kernels
