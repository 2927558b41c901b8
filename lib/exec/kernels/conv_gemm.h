// The matrix product of Conv in register blocks: out[m, j] = bias[m] + sum over k of
// w[m, k] * columns[k, j] for output channels m and output positions j (out row-major, NCHW).
// A block holds kConvBlockRows x 2 SIMD packets of accumulators, starts from the bias and is stored
// once. Its packets run along the positions j (wide feature maps) or, when that wastes fewer
// lanes, along the channels m (small maps with many channels; stored transposed).
// Eigen's general GEMM packs both operands on every call and is tuned for larger matrices; Conv's
// products are small (depth 9 to 600) and repeat per image.
#pragma once

#include <algorithm>
#include <cstdint>

#include "exec/kernels/simd.h"

namespace tinyc::exec::kernels {

// Block shape: kConvBlockRows broadcast values x kConvBlockLanes packet lanes (2 packets). With 32
// vector registers (AVX-512) 8 x 2 accumulators fit next to the operands; with 16, 4 x 2.
template <class T>
inline constexpr int64_t kConvBlockRows = sizeof(SimdPacket<T>) >= 64 ? 8 : 4;
template <class T>
inline constexpr int64_t kConvBlockLanes = 2 * kSimdLanes<T>;

// One product, resolved in prepare(). Columns are `depth` rows of `columns` elements (row stride
// `columns`); weights are packed by pack_conv_weights.
template <class T>
struct ConvGemm {
  int64_t rows = 0;     // output channels
  int64_t depth = 0;    // input channels x kernel positions
  int64_t columns = 0;  // output positions
  bool channel_lanes = false;  // packets run along the output channels

  ConvGemm(int64_t rows_, int64_t depth_, int64_t columns_) : rows(rows_), depth(depth_), columns(columns_) {
    constexpr int64_t R = kConvBlockRows<T>, L = kConvBlockLanes<T>;
    // Lane multiply-adds, counting the lanes wasted past the ends; a transposed scalar store costs
    // about as much as R lanes of multiply-adds.
    const int64_t position_lanes = round_up(rows, R) * round_up(columns, L) * depth;
    const int64_t channel_lanes_cost = round_up(rows, L) * round_up(columns, R) * (depth + R);
    channel_lanes = channel_lanes_cost < position_lanes;
  }

  // Output channels padded to whole blocks along the axis they are packed in.
  int64_t padded_rows() const { return round_up(rows, channel_lanes ? kConvBlockLanes<T> : kConvBlockRows<T>); }
  int64_t packed_weights_size() const { return padded_rows() * depth; }
  // Scratch for the last, partial block of positions (copied and zero-padded).
  int64_t tail_size() const { return depth * std::max(kConvBlockRows<T>, kConvBlockLanes<T>); }

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

template <class T>
using Accumulators = SimdPacket<T>[kConvBlockRows<T>][2];

// acc[r][v] += sum over k of a.row(k)[r] * b.row(k)[v * packet + lane]. The loops over r are
// unrolled, acc is only indexed by constants and the function is inlined, so acc stays in registers.
// Accumulation: depth fused multiply-adds per output in T, after the initial value.
template <class T, class A, class B>
[[gnu::always_inline]] inline void multiply(const A& a, const B& b, int64_t depth, Accumulators<T>& acc) {
  using namespace Eigen::internal;
  using Packet = SimdPacket<T>;
  constexpr int64_t L = kConvBlockLanes<T> / 2;
  for (int64_t k = 0; k < depth; ++k) {
    const T* a_row = a.row(k);
    const T* b_row = b.row(k);
    const Packet b0 = ploadu<Packet>(b_row);
    const Packet b1 = ploadu<Packet>(b_row + L);
#pragma GCC unroll 8
    for (int64_t r = 0; r < kConvBlockRows<T>; ++r) {
      const Packet x = pset1<Packet>(a_row[r]);
      acc[r][0] = pmadd(x, b0, acc[r][0]);
      acc[r][1] = pmadd(x, b1, acc[r][1]);
    }
  }
}

// Packed weights from output channel m0 on, as rows of multiply's operands.
template <class T>
StridedColumns<T> weight_rows(const ConvGemm<T>& g, const T* packed, int64_t m0) {
  return g.channel_lanes ? StridedColumns<T>{packed + m0, g.padded_rows()}
                         : StridedColumns<T>{packed + m0 * g.depth, kConvBlockRows<T>};
}

// One block of positions [j0, j0 + valid_columns) of every output channel, reading `panel` (the
// columns from j0 on).
template <class T, class Columns>
void gemm_block(const ConvGemm<T>& g, const T* packed, const Columns& panel, const T* bias, T* out, int64_t j0,
                int64_t valid_columns) {
  using namespace Eigen::internal;
  using Packet = SimdPacket<T>;
  constexpr int64_t R = kConvBlockRows<T>, L = kConvBlockLanes<T>, P = L / 2;
  T staged[L];
  if (g.channel_lanes) {
    for (int64_t m0 = 0; m0 < g.rows; m0 += L) {
      const int64_t valid_rows = std::min(L, g.rows - m0);
      std::fill(staged, staged + L, T(0));
      if (bias) std::copy_n(bias + m0, valid_rows, staged);
      Accumulators<T> acc;
#pragma GCC unroll 8
      for (int64_t r = 0; r < R; ++r) {
        acc[r][0] = ploadu<Packet>(staged);
        acc[r][1] = ploadu<Packet>(staged + P);
      }
      multiply<T>(panel, weight_rows(g, packed, m0), g.depth, acc);
#pragma GCC unroll 8
      for (int64_t r = 0; r < R; ++r) {
        if (r >= valid_columns) break;
        pstoreu(staged, acc[r][0]);
        pstoreu(staged + P, acc[r][1]);
        for (int64_t m = 0; m < valid_rows; ++m) out[(m0 + m) * g.columns + j0 + r] = staged[m];
      }
    }
    return;
  }
  for (int64_t m0 = 0; m0 < g.rows; m0 += R) {
    const int64_t valid_rows = std::min(R, g.rows - m0);
    Accumulators<T> acc;
#pragma GCC unroll 8
    for (int64_t r = 0; r < R; ++r) acc[r][0] = acc[r][1] = pset1<Packet>(bias && r < valid_rows ? bias[m0 + r] : T(0));
    multiply<T>(weight_rows(g, packed, m0), panel, g.depth, acc);
#pragma GCC unroll 8
    for (int64_t r = 0; r < R; ++r) {
      if (r >= valid_rows) break;
      T* row = out + (m0 + r) * g.columns + j0;
      if (valid_columns == L) {
        pstoreu(row, acc[r][0]);
        pstoreu(row + P, acc[r][1]);
        continue;
      }
      pstoreu(staged, acc[r][0]);
      pstoreu(staged + P, acc[r][1]);
      std::copy_n(staged, valid_columns, row);
    }
  }
}

}  // namespace conv_gemm_detail

// Reorders w (rows x depth, row-major) for conv_gemm: blocks of kConvBlockRows channels stored
// depth-major, or with channel lanes w transposed (depth x padded rows); padding channels are zero.
template <class T>
void pack_conv_weights(const ConvGemm<T>& g, const T* w, T* packed) {
  const int64_t padded = g.padded_rows();
  if (g.channel_lanes) {
    for (int64_t k = 0; k < g.depth; ++k)
      for (int64_t m = 0; m < padded; ++m) packed[k * padded + m] = m < g.rows ? w[m * g.depth + k] : T(0);
    return;
  }
  constexpr int64_t R = kConvBlockRows<T>;
  for (int64_t m0 = 0; m0 < padded; m0 += R, packed += R * g.depth)
    for (int64_t k = 0; k < g.depth; ++k)
      for (int64_t r = 0; r < R; ++r) packed[k * R + r] = m0 + r < g.rows ? w[(m0 + r) * g.depth + k] : T(0);
}

// out (rows x columns, row-major) = packed weights x columns + bias (null: 0). `tail` holds
// g.tail_size() elements (unused when the columns are readable past their end).
template <class T, class Columns>
void conv_gemm(const ConvGemm<T>& g, const T* packed, const Columns& columns, const T* bias, T* out, T* tail) {
  const int64_t step = g.channel_lanes ? kConvBlockRows<T> : kConvBlockLanes<T>;  // positions per block
  for (int64_t j0 = 0; j0 < g.columns; j0 += step) {
    const int64_t valid_columns = std::min(step, g.columns - j0);
    if (Columns::kReadablePastEnd || valid_columns == step) {
      conv_gemm_detail::gemm_block(g, packed, columns.from(j0), bias, out, j0, valid_columns);
      continue;
    }
    for (int64_t k = 0; k < g.depth; ++k) {
      std::copy_n(columns.row(k) + j0, valid_columns, tail + k * step);
      std::fill(tail + k * step + valid_columns, tail + (k + 1) * step, T(0));
    }
    conv_gemm_detail::gemm_block(g, packed, StridedColumns<T>{tail, step}, bias, out, j0, valid_columns);
  }
}

}  // namespace tinyc::exec::kernels
